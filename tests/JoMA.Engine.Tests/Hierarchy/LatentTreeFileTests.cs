using JoMA.Engine.Hierarchy;

namespace JoMA.Engine.Tests.Hierarchy;

public class LatentTreeFileTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("joma-tree-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("subset_union")]
    [InlineData("binomial")]
    public void Export_then_import_gives_the_same_tree_and_samples(string generator)
    {
        var tree = LatentTree.Create(new LatentTreeSpec { Generator = generator, Seed = 8 });
        var path = Path.Combine(root, "tree.json");
        LatentTreeFile.Save(tree, path);
        var back = LatentTreeFile.Load(path);
        Assert.Equal(LatentTreeFile.ToJson(tree), LatentTreeFile.ToJson(back));
        Assert.Equal((tree.Vocabulary, tree.SequenceLength, tree.Classes, tree.Generator), (back.Vocabulary, back.SequenceLength, back.Classes, back.Generator));
        var (a, b) = (new Random(1), new Random(1));
        for (int i = 0; i < 20; i++)
        {
            var (x, y) = (tree.Sample(a), back.Sample(b));
            Assert.Equal(x.Tokens.ToArray(), y.Tokens.ToArray());
            Assert.Equal(x.ActiveLatents.ToString(), y.ActiveLatents.ToString());
        }
    }

    [Fact]
    public void A_file_that_is_not_a_tree_is_a_clear_error()
    {
        var e = Assert.Throws<JomaException>(() => LatentTreeFile.FromJson("{\"format\": \"something\"}"));
        Assert.Equal("TreeFileInvalid", e.ErrorId);
        e = Assert.Throws<JomaException>(() => LatentTreeFile.FromJson("not json"));
        Assert.Equal("TreeFileInvalid", e.ErrorId);
        Assert.Equal("TreeFileNotFound", Assert.Throws<JomaException>(() => LatentTreeFile.Load(Path.Combine(root, "missing.json"))).ErrorId);
    }
}
