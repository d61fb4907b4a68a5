using JoMA.Engine.Hierarchy;

namespace JoMA.Engine.Tests.Hierarchy;

/// <summary>The authors' subset-union construction: unique subsets, samples = unions of the active latents' leaves.</summary>
public class SubsetUnionTreeTests
{
    static LatentTreeSpec Table1(int seed = 1) => new() { Vocabulary = 100, SequenceLength = 30, Classes = 20, LatentsPerLayer = new() { 10, 20 }, Branching = new() { 2, 2, 2 }, Seed = seed };

    [Fact]
    public void Every_latent_is_a_unique_sorted_subset_of_the_stated_size()
    {
        var tree = LatentTree.Create(Table1());
        Assert.Equal(new[] { 10, 20, 20 }, tree.LatentsPerLayer.ToArray());
        int below = 99;
        for (int l = 0; l < tree.Layers.Count; l++)
        {
            var children = tree.Layers[l].Children;
            Assert.All(children, c =>
            {
                Assert.Equal(2, c.Length);
                Assert.Equal(c.Order().Distinct(), c);
                Assert.All(c, k => Assert.InRange(k, 0, below - 1));
            });
            Assert.Equal(children.Length, children.Select(c => string.Join(",", c)).Distinct().Count());
            below = children.Length;
        }
    }

    /// <summary>A hand-made tree: M = 8 (7 = padding), L = 6; layer 0 = {0,1},{2,3},{1,4}; classes = {0,1},{1,2}.</summary>
    [Fact]
    public void A_samples_tokens_are_the_union_of_the_leaves_of_its_active_latents_hand_checked()
    {
        var spec = new LatentTreeSpec { Vocabulary = 8, SequenceLength = 6, Classes = 2, LatentsPerLayer = new() { 3 }, Branching = new() { 2, 2 } };
        var tree = LatentTree.FromLayers(spec, new[]
        {
            new LatentLayer(new[] { new[] { 0, 1 }, new[] { 2, 3 }, new[] { 1, 4 } }),
            new LatentLayer(new[] { new[] { 0, 1 }, new[] { 1, 2 } }),
        });
        var random = new Random(5);
        var labels = new HashSet<int>();
        for (int i = 0; i < 40; i++)
        {
            var s = tree.Sample(random);
            labels.Add(s.Label);
            if (s.Label == 0)
            {
                Assert.Equal(new[] { 7, 7, 0, 1, 2, 3 }, s.Tokens.ToArray());
                Assert.Equal(new[] { 0, 1 }, s.ActiveLatents[0].ToArray());
            }
            else
            {
                Assert.Equal(new[] { 7, 7, 1, 2, 3, 4 }, s.Tokens.ToArray());
                Assert.Equal(new[] { 1, 2 }, s.ActiveLatents[0].ToArray());
            }
            Assert.Equal(new[] { s.Label }, s.ActiveLatents[1].ToArray());
        }
        Assert.Equal(2, labels.Count);
    }

    [Fact]
    public void On_the_Table1_tree_every_layer_is_the_union_of_the_children_of_the_layer_above()
    {
        var tree = LatentTree.Create(Table1());
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            var s = tree.Sample(random);
            Assert.Equal(30, s.Tokens.Count);
            Assert.Equal(new[] { s.Label }, s.ActiveLatents[2].ToArray());
            for (int l = 2; l > 0; l--)
                Assert.Equal(s.ActiveLatents[l].SelectMany(k => tree.Layers[l].Children[k]).Distinct().Order(), s.ActiveLatents[l - 1]);
            var leaves = s.ActiveLatents[0].SelectMany(k => tree.Layers[0].Children[k]).Distinct().Order().ToArray();
            Assert.Equal(leaves, s.Leaves.ToArray());
            Assert.Equal(Enumerable.Repeat(99, 30 - leaves.Length).Concat(leaves), s.Tokens);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_tree_and_samples()
    {
        var a = LatentTree.Create(Table1(3));
        var b = LatentTree.Create(Table1(3));
        var c = LatentTree.Create(Table1(4));
        Assert.Equal(LatentTreeFile.ToJson(a), LatentTreeFile.ToJson(b));
        Assert.NotEqual(LatentTreeFile.ToJson(a).Replace("\"seed\": 3", ""), LatentTreeFile.ToJson(c).Replace("\"seed\": 4", ""));
        var (ra, rb) = (new Random(9), new Random(9));
        for (int i = 0; i < 20; i++) Assert.Equal(a.Sample(ra).Tokens.ToArray(), b.Sample(rb).Tokens.ToArray());
    }

    [Theory]
    [InlineData(5, 30, new[] { 10 }, new[] { 2, 2 }, "TooManyUniqueSubsets")]      // C(4,2) = 6 < 10
    [InlineData(3, 30, new[] { 2 }, new[] { 5, 1 }, "BranchingExceedsLayerBelow")]  // 5 > 2 real tokens
    [InlineData(100, 30, new[] { 10, 20 }, new[] { 2, 2 }, "BranchingCountMismatch")]
    [InlineData(100, 3, new[] { 10, 20 }, new[] { 2, 2, 2 }, "SequenceTooShort")]   // unions of up to 8 tokens
    [InlineData(1, 30, new[] { 1 }, new[] { 1, 1 }, "VocabularyTooSmall")]
    public void Impossible_parameters_are_clear_errors(int vocabulary, int length, int[] latents, int[] branching, string errorId)
    {
        var spec = new LatentTreeSpec { Vocabulary = vocabulary, SequenceLength = length, Classes = 2, LatentsPerLayer = latents.ToList(), Branching = branching.ToList() };
        var e = Assert.Throws<JomaException>(() => LatentTree.Create(spec));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(JomaErrorKind.InvalidArgument, e.Kind);
    }
}
