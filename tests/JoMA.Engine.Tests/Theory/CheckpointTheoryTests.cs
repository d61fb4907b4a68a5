using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Text;
using JoMA.Engine.Theory;

namespace JoMA.Engine.Tests.Theory;

/// <summary>
/// The theory pipeline on a pretrained checkpoint (the tiny random GPT-NeoX fixture, no tokenizer: tokens named "#id"):
/// counting over its windows is the training-run count with one column and bptt = the window length, and the observed
/// shares are the definitions applied to the attention maps the extractor returns for the same windows.
/// </summary>
public class CheckpointTheoryTests
{
    public CheckpointTheoryTests() => NativeLibraries.EnsureLoaded();

    const int WindowLength = 16;

    static JomaCheckpoint Open() => JomaCheckpoint.Open(Path.Combine(FixturePaths.HfReference, "gpt_neox_tiny"));

    /// <summary>200 ids drawn from 10 of the 128 (a few of them often, so queries and contexts repeat), fixed seed.</summary>
    static int[] Ids()
    {
        var random = new Random(11);
        int[] alphabet = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31];
        return Enumerable.Range(0, 200).Select(_ => alphabet[Math.Min(random.Next(14), 9)]).ToArray();
    }

    static CorpusStatisticsOptions Counting(params string[] queries) => new()
    {
        Queries = queries, Contexts = 3, MinCount = 1, BootstrapResamples = 0, NextTokens = 500,
    };

    [Fact]
    public void CountingTheCheckpointsWindowsIsTheTrainingRunCountWithOneColumn()
    {
        using var checkpoint = Open();
        var ids = Ids();
        var fromCheckpoint = CheckpointCorpus.Count(checkpoint, ids, WindowLength, Counting("#3", "#5", "#31") with { Contexts = 64 });

        // The same stream as a training run would hold it: words "t<id>", a basic_english vocabulary (with <unk>, other ids).
        var words = ids.Select(id => $"t{id}").ToArray();
        var vocabulary = Vocabulary.Build([string.Join(" ", words)]);
        var trainingIds = vocabulary.Encode([string.Join(" ", words)]);
        var fromRun = CorpusStatisticsCounter.Count(trainingIds, vocabulary,
            Counting("t3", "t5", "t31") with { Contexts = 64, BatchSize = 1, Bptt = WindowLength });

        static string Name(string token) => token.StartsWith('t') ? "#" + token[1..] : token;
        var run = fromRun.Rows.ToDictionary(r => (Name(r.Query), Name(r.Token)));
        Assert.Equal(run.Count, fromCheckpoint.Rows.Count);
        foreach (var c in fromCheckpoint.Rows)
        {
            var r = run[(c.Query, c.Token)];
            Assert.Equal((r.QueryCount, r.Count), (c.QueryCount, c.Count));
            Assert.Equal(r.CoOccurrence, c.CoOccurrence, 1e-12);
            Assert.Equal(r.MeanCount, c.MeanCount, 1e-12);
            Assert.Equal(r.Unigram, c.Unigram, 1e-12);
            Assert.Equal(r.Pmi, c.Pmi, 1e-12);
            Assert.Equal(r.Drive, c.Drive, 1e-12);
            Assert.Equal(r.QueryFreeDrive, c.QueryFreeDrive, 1e-12);
            Assert.Equal((WindowLength, 1, 128), (c.Bptt, c.BatchSize, c.VocabularySize));
            if (c.Token != CorpusStatisticsCounter.PooledToken) Assert.Equal(c.TokenId, int.Parse(c.Token[1..]));
        }
    }

    [Fact]
    public void SharesMatchANaiveFloat64ComputationFromTheExtractorsMaps_AndCoverTheContext()
    {
        using var checkpoint = Open();
        var ids = Ids();
        var statistics = CheckpointCorpus.Count(checkpoint, ids, WindowLength, Counting("#3", "#5", "#7")).Rows;
        var options = new TokenAttentionOptions { Layer = 1, PerHead = true, MaxWindows = 10 };
        var result = TokenAttentionMeasurement.FromStatistics(statistics.ToList(), options).Measure(checkpoint, ids, WindowLength);
        Assert.Equal((checkpoint.Model, 0L, 1, checkpoint.Path), (result.Rows[0].Run, result.Rows[0].Step, result.Rows[0].Layer, result.Rows[0].Source));

        // Each query's shares sum to 1 over its listed tokens and the rest.
        foreach (var g in result.Rows.GroupBy(r => (r.Head, r.Query)))
        {
            Assert.Equal(TokenAttentionQuery.Rest, g.Last().Token);
            Assert.Equal(1.0, g.Sum(r => r.Share), 1e-9);
            Assert.Equal(1.0, g.Sum(r => r.UniformShare), 1e-9);
            Assert.Equal(1.0, g.Sum(r => r.PositionAdjustedShare), 1e-9);
            Assert.Equal(1.0, g.Sum(r => r.RecencyShare), 1e-9);
        }

        // The naive computation, from the maps Get-JomaAttention's extractor gives for the same windows.
        int heads = checkpoint.Heads, variants = 1 + heads;
        var extractor = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null,
            new AttentionExtractionOptions { WindowLength = WindowLength, MaxWindows = options.MaxWindows, Layers = [options.Layer] });
        var rows = new List<(int[] Tokens, double[][] P)>();
        int w = 0;
        foreach (var window in extractor.Windows(ids))
        {
            var map = extractor.Run(w++, window).Probabilities![0];                  // [H, T, T]
            int t = window.Length;
            double P(int h, int i, int j) => map[(h * t + i) * t + j];
            for (int i = 1; i < t; i++)
            {
                var perVariant = new double[variants][];
                perVariant[0] = Enumerable.Range(0, i + 1).Select(j => Enumerable.Range(0, heads).Average(h => P(h, i, j))).ToArray();
                for (int h = 0; h < heads; h++) perVariant[1 + h] = Enumerable.Range(0, i + 1).Select(j => P(h, i, j)).ToArray();
                rows.Add((window[..(i + 1)], perVariant));
            }
        }
        Assert.Equal(10, w);
        var expected = TokenAttentionMeasurementTests.NaiveFromRows(rows, variants, WindowLength, TokenAttentionQuery.FromStatistics(statistics),
            token => int.Parse(token[1..]));
        TokenAttentionMeasurementTests.AssertMatchesNaive(expected, result);
    }

    [Fact]
    public void RefusesStatisticsOfAnotherVocabulary()
    {
        using var checkpoint = Open();
        var ids = Ids();
        var options = new TokenAttentionOptions { Layer = 0 };
        // Counted over a training run's vocabulary (another size, word tokens).
        var words = ids.Select(id => $"t{id}").ToArray();
        var vocabulary = Vocabulary.Build([string.Join(" ", words)]);
        var fromRun = CorpusStatisticsCounter.Count(vocabulary.Encode([string.Join(" ", words)]), vocabulary,
            Counting("t3") with { BatchSize = 1, Bptt = WindowLength }).Rows.ToList();
        var e = Assert.Throws<JomaException>(() => TokenAttentionMeasurement.FromStatistics(fromRun, options).Measure(checkpoint, ids, WindowLength));
        Assert.Equal(("VocabularyMismatch", JomaErrorKind.InvalidData), (e.ErrorId, e.Kind));
        Assert.Contains("-Checkpoint", e.Message);
        // The right size, but a token the checkpoint does not name.
        e = Assert.Throws<JomaException>(() => new TokenAttentionMeasurement([new("#3", ["giraffe"])], options, 128).Measure(checkpoint, ids, WindowLength));
        Assert.Equal("VocabularyMismatch", e.ErrorId);
        Assert.Contains("giraffe", e.Message);
        e = Assert.Throws<JomaException>(() => new TokenAttentionMeasurement([new("#3", [])], options with { Layer = 2 }).Measure(checkpoint, ids, WindowLength));
        Assert.Equal("LayerOutOfRange", e.ErrorId);
    }

    [Fact]
    public void TextNeedsATokenizer_AndIdsMustFitTheVocabulary()
    {
        using var checkpoint = Open();
        var e = Assert.Throws<JomaException>(() => CheckpointCorpus.Encode(checkpoint, ["hello world"]));
        Assert.Equal("TokenizerMissing", e.ErrorId);
        Assert.Contains("-TokenIds", e.Message);
        e = Assert.Throws<JomaException>(() => CheckpointCorpus.Count(checkpoint, [1, 2, 128, 3], WindowLength, Counting()));
        Assert.Equal("TokenIdOutOfRange", e.ErrorId);
        e = Assert.Throws<JomaException>(() => CheckpointCorpus.Count(checkpoint, Ids(), 65, Counting()));
        Assert.Equal("WindowLengthOutOfRange", e.ErrorId);
    }

    [Fact]
    public void TextIsTokenizedWithTheCheckpointsTokenizer_FilesConcatenated_TokensNamedByTheirText()
    {
        var folder = Directory.CreateTempSubdirectory("joma-theory-ckpt-").FullName;
        try
        {
            foreach (var file in new[] { "config.json", "model.safetensors" })
                File.Copy(Path.Combine(FixturePaths.HfReference, "gpt_neox_tiny", file), Path.Combine(folder, file));
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), Text.HandMadeTokenizers.WordLevelJson);
            using var checkpoint = JomaCheckpoint.Open(folder);
            string[] texts = ["the cat sat on the mat . the mat sat on the cat .", "on the mat the cat sat ."];
            var ids = CheckpointCorpus.Encode(checkpoint, texts);
            Assert.Equal(checkpoint.GetTokenizer().Encode(texts[0]).Concat(checkpoint.GetTokenizer().Encode(texts[1])), ids);
            var names = CheckpointCorpus.Tokens(checkpoint);
            Assert.Equal((128, "cat", "#7", "#127"), (names.Count, names.Tokens[2], names.Tokens[7], names.Tokens[127]));

            var statistics = CheckpointCorpus.Count(checkpoint, ids, 8, Counting("the") with { Contexts = 2 }).Rows;
            Assert.All(statistics, r => Assert.Equal(("the", 128), (r.Query, r.VocabularySize)));
            Assert.All(statistics.Where(r => r.TokenId >= 0), r => Assert.Equal(names.Tokens[r.TokenId], r.Token));
            Assert.DoesNotContain(statistics, r => r.Token.StartsWith('#'));             // every context token has its text
            var result = TokenAttentionMeasurement.FromStatistics(statistics.ToList(), new TokenAttentionOptions()).Measure(checkpoint, ids, 8);
            Assert.Equal(statistics.Select(r => r.Token), result.Rows.Select(r => r.Token));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    sealed class FakeTokenizer : ITextTokenizer
    {
        public string Description => "fake";
        public int[] Encode(string text) => [];
        public string Decode(int tokenId) => tokenId >= 8 ? throw new ArgumentOutOfRangeException(nameof(tokenId)) : tokenId % 3 == 0 ? "\uFFFD" : tokenId == 4 ? "" : $"w{tokenId}";
        public void Dispose() { }
    }

    [Fact]
    public void TokenNamesAreUniqueAndFallBackToTheId()
    {
        var names = TokenStrings.FromTokenizer(new FakeTokenizer(), 10);
        Assert.Equal(["\uFFFD#0", "w1", "w2", "\uFFFD#3", "#4", "w5", "\uFFFD#6", "w7", "#8", "#9"], names.Tokens);
        Assert.Equal(-1, names.UnknownId);
        Assert.True(names.TryGetId("w5", out var id) && id == 5);
        Assert.Equal(["#0", "#1"], TokenStrings.FromTokenizer(null, 2).Tokens);
    }
}
