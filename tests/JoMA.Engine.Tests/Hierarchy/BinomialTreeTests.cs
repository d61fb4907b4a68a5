using JoMA.Engine.Hierarchy;

namespace JoMA.Engine.Tests.Hierarchy;

/// <summary>The binary latent tree against its closed forms, within sampling error (fixed seeds: deterministic).</summary>
public class BinomialTreeTests
{
    [Fact]
    public void Empirical_child_given_parent_matches_the_edge_matrix()
    {
        var tree = LatentTree.Create(new LatentTreeSpec { Generator = "binomial", Depth = 3, Children = 2, DeltaMin = 0.3, DeltaMax = 0.9, Seed = 2 });
        Assert.Equal((9, 8, 2), (tree.Vocabulary, tree.SequenceLength, tree.Classes));
        const int n = 20000;
        var random = new Random(7);
        var samples = Enumerable.Range(0, n).Select(_ => tree.Sample(random)).ToArray();
        int checks = 0;
        for (int l = 0; l < tree.Layers.Count; l++)
        {
            var layer = tree.Layers[l];
            for (int k = 0; k < layer.Count; k++)
                for (int j = 0; j < layer.Children[k].Length; j++)
                {
                    int child = layer.Children[k][j];
                    double delta = layer.EdgeDeltas![k][j];
                    foreach (bool parentOn in new[] { true, false })
                    {
                        var given = samples.Where(s => s.ActiveLatents[l].Contains(k) == parentOn).ToArray();
                        double p = given.Count(s => l == 0 ? s.Leaves.Contains(child) : s.ActiveLatents[l - 1].Contains(child)) / (double)given.Length;
                        double expected = parentOn ? (1 + delta) / 2 : (1 - delta) / 2;
                        double se = Math.Sqrt(expected * (1 - expected) / given.Length);
                        Assert.InRange(p, expected - 4.5 * se, expected + 4.5 * se);
                        checks++;
                    }
                }
        }
        Assert.Equal(2 * (2 + 4 + 8), checks);
        // The label is the root's state.
        Assert.All(samples.Take(100), s => Assert.Equal(s.Label == 1, s.ActiveLatents[^1].Contains(0)));
    }

    [Fact]
    public void Leaf_co_occurrence_decays_geometrically_with_tree_distance()
    {
        const double delta = 0.8;
        var tree = LatentTree.Create(new LatentTreeSpec { Generator = "binomial", Depth = 4, Children = 2, DeltaMin = delta, DeltaMax = delta, Seed = 3 });
        const int n = 40000;
        var random = new Random(13);
        var leaves = Enumerable.Range(0, n).Select(_ => tree.Sample(random).Leaves.ToHashSet()).ToArray();
        // Leaf 0 and leaf b meet 1, 2, 3, 4 levels up: distance 2, 4, 6, 8 edges. With ±1 spins, E[s_a s_b] = δ^distance,
        // so P(both tokens present) = (1 + δ^distance) / 4.
        var distances = new[] { (1, 2), (2, 4), (4, 6), (8, 8) };
        foreach (var (b, distance) in distances)
        {
            double p = leaves.Count(s => s.Contains(0) && s.Contains(b)) / (double)n;
            double expected = (1 + Math.Pow(delta, distance)) / 4;
            double se = Math.Sqrt(expected * (1 - expected) / n);
            Assert.InRange(p, expected - 4.5 * se, expected + 4.5 * se);
        }
    }

    [Fact]
    public void A_bad_delta_range_is_a_clear_error()
    {
        var e = Assert.Throws<JomaException>(() => LatentTree.Create(new LatentTreeSpec { Generator = "binomial", DeltaMin = 0.9, DeltaMax = 0.5 }));
        Assert.Equal("DeltaRangeInvalid", e.ErrorId);
    }
}
