using JoMA.Engine.Text;

namespace JoMA.Engine.Tests.Text;

public class VocabularyAndBatchesTests
{
    [Fact]
    public void OrdersByFrequencyThenToken()
    {
        var vocab = Vocabulary.Build(new[] { "b a c a", "", "c b a d" });
        Assert.Equal(new[] { "<unk>", "a", "b", "c", "d" }, vocab.Tokens);
        Assert.Equal(0, vocab["never-seen"]);
        Assert.Equal(new[] { 2, 1, 0 }, vocab.Encode(new[] { "B a zebra" }));
    }

    [Fact]
    public void MinFrequencyAndMaxTokens()
    {
        var lines = new[] { "a a a b b c" };
        Assert.Equal(new[] { "<unk>", "a", "b" }, Vocabulary.Build(lines, minFrequency: 2).Tokens);
        Assert.Equal(new[] { "<unk>", "a" }, Vocabulary.Build(lines, maxTokens: 2).Tokens);
    }

    [Fact]
    public void SavesAndLoads()
    {
        var path = Path.GetTempFileName();
        try
        {
            var vocab = Vocabulary.Build(new[] { "x y y z z z" });
            vocab.Save(path);
            Assert.Equal(vocab.Tokens, Vocabulary.Load(path).Tokens);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void BatchifyAndWindowsMatchTheReference()
    {
        // 26 tokens, 4 columns: rows = 6, tokens 24 and 25 dropped; column c = tokens [6c, 6c+6).
        var tokens = Enumerable.Range(0, 26).ToArray();
        var batches = new LanguageModelBatches(tokens, columns: 4, bptt: 4);
        Assert.Equal(6, batches.Rows);
        Assert.Equal(new[] { 0, 4 }, batches.WindowStarts());
        Assert.Equal(2, batches.WindowCount);
        var (inputs, targets, length) = batches.Window(0);
        Assert.Equal(4, length);
        Assert.Equal(new[] { 0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21 }, inputs);
        Assert.Equal(new[] { 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22 }, targets);
        var (lastInputs, lastTargets, lastLength) = batches.Window(4);
        Assert.Equal(1, lastLength); // min(bptt, rows − 1 − i)
        Assert.Equal(new[] { 4, 10, 16, 22 }, lastInputs);
        Assert.Equal(new[] { 5, 11, 17, 23 }, lastTargets);
    }

    [Fact]
    public void RefusesACorpusTooSmallForTheBatch()
    {
        var e = Assert.Throws<JomaException>(() => new LanguageModelBatches(new[] { 1, 2, 3 }, columns: 2, bptt: 35));
        Assert.Equal("CorpusTooSmall", e.ErrorId);
    }
}
