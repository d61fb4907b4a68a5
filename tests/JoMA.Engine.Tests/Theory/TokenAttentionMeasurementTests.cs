using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Text;
using JoMA.Engine.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Theory;

/// <summary>
/// Token attention on tiny models and a hand-made corpus: uniform attention gives the uniform shares, every number
/// matches a naive float64 computation from the definitions, and each query's shares cover its context.
/// </summary>
public class TokenAttentionMeasurementTests
{
    public TokenAttentionMeasurementTests() => NativeLibraries.EnsureLoaded();

    // "zebra" is in the vocabulary but not in the probe text, so it has no rows.
    static readonly string[] ProbeLines =
    [
        "the cat sat on the mat . the dog sat on the cat .",
        "a dog ran to the mat and the cat ran to a dog .",
        "on the mat the cat sat . a cat and a dog sat on a mat .",
        "the dog and the cat ran . the mat sat on the dog .",
        "a cat sat . the dog ran on the mat to the cat and a dog .",
    ];

    static readonly Vocabulary Vocabulary = Vocabulary.Build(ProbeLines.Append("zebra zebra"));

    static LanguageModelBatches Probe(int columns = 3, int bptt = 7) => new(Vocabulary.Encode(ProbeLines), columns, bptt);

    static readonly TokenAttentionQuery[] Queries =
    [
        new("the", ["cat", "sat", "the", "mat"]),
        new("sat", ["on", "the"]),
        new("dog", []),                       // the rest alone
        new(".", ["the", "zebra"]),           // a listed token that never occurs in a context
        new("zebra", ["the"]),                // never occurs: skipped
    ];

    static TransformerLanguageModel RandomModel(int heads, int layers, long seed)
    {
        manual_seed(seed);
        var model = new TransformerLanguageModel(new TransformerOptions
        {
            VocabularySize = Vocabulary.Count, ModelDimension = 8, FeedForwardDimension = 16, Heads = heads, Layers = layers, Dropout = 0.1, MaxLength = 64,
        });
        using (no_grad())
            foreach (var block in model.Blocks)
                foreach (var (name, p) in block.Attention.named_parameters())
                    if (name.StartsWith("in_proj")) p.copy_(randn_like(p) * 0.6); // attention far from uniform, biases too
        return model;
    }

    [Fact]
    public void UniformAttentionGivesTheUniformShares()
    {
        using var model = RandomModel(heads: 2, layers: 1, seed: 5);
        int d = model.Options.ModelDimension;
        using (no_grad())
            foreach (var (name, p) in model.Blocks[0].Attention.named_parameters())
                if (name.StartsWith("in_proj")) p.narrow(0, 0, 2 * d).zero_();           // q = k = 0: every score 0, softmax uniform over j ≤ i

        var result = new TokenAttentionMeasurement(Queries, new TokenAttentionOptions { PerHead = true, MaxWindows = 100 })
            .Measure(model, Vocabulary, Probe(), "uniform", 0);

        Assert.NotEmpty(result.Rows);
        foreach (var profile in result.DistanceProfiles)
            for (int distance = 1; distance < profile.Length; distance++) Assert.Equal(1.0, profile[distance], 1e-6);  // π flat
        foreach (var row in result.Rows)
        {
            Assert.Equal(row.UniformShare, row.Share, 1e-6);
            Assert.Equal(row.UniformShare, row.RecencyShare, 1e-6);
            Assert.Equal(row.UniformShare, row.PositionAdjustedShare, 1e-6);
            if (row.UniformShare == 0)
            {
                Assert.Null(row.ExcessLogit);
                continue;
            }
            Assert.InRange(row.ExcessLogit!.Value, -1e-5, 1e-5);
            Assert.InRange(row.RecencyExcessLogit!.Value, -1e-5, 1e-5);
            Assert.InRange(row.PositionAdjustedExcessLogit!.Value, -1e-5, 1e-5);
        }
        // Self and sink mass of uniform rows: means of 1/(i+1) and 1/i over the query's rows; at least not 0 or 1.
        Assert.All(result.Rows, r => Assert.InRange(r.SelfMass, 1.0 / 7, 0.5 + 1e-6));
        Assert.All(result.Rows, r => Assert.InRange(r.SinkMass, 1.0 / 6 - 1e-6, 1 + 1e-6));
    }

    [Fact]
    public void EveryNumberMatchesANaiveFloat64Computation()
    {
        using var model = RandomModel(heads: 2, layers: 2, seed: 7);
        var probe = Probe();
        foreach (var maxWindows in new[] { 100, 2 })
        {
            var options = new TokenAttentionOptions { Layer = 1, PerHead = true, MaxWindows = maxWindows };
            var result = new TokenAttentionMeasurement(Queries, options).Measure(model, Vocabulary, probe, "random", 42, "here");
            Assert.True(model.training, "the model's training mode is restored");
            var expected = Naive(model, probe, options);

            AssertMatchesNaive(expected, result);
            Assert.All(result.Rows, a => Assert.Equal(("random", 42L, 1, "here"), (a.Run, a.Step, a.Layer, a.Source)));
            // zebra never occurs: skipped for the head average and each head, with the reason.
            Assert.Equal(new[] { -1, 0, 1 }, result.Skipped.Where(s => s.Query == "zebra").Select(s => s.Head));
            Assert.Contains("does not occur", result.Skipped.First(s => s.Query == "zebra").Reason);
            Assert.DoesNotContain(result.Rows, r => r.Query == "zebra");
        }
    }

    [Fact]
    public void ComputingTheWindowsTwiceGivesWhatKeepingThemGives()
    {
        using var model = RandomModel(heads: 2, layers: 2, seed: 3);
        var options = new TokenAttentionOptions { Layer = 1, PerHead = true };
        var kept = new TokenAttentionMeasurement(Queries, options).Measure(model, Vocabulary, Probe(), null, 0);
        var twice = new TokenAttentionMeasurement(Queries, options) { CacheLimit = 0 }.Measure(model, Vocabulary, Probe(), null, 0);
        Assert.Equal(kept.Rows.Count, twice.Rows.Count);
        foreach (var (a, b) in kept.Rows.Zip(twice.Rows))
            Assert.Equal((a.Query, a.Token, a.Head, a.Share, a.RecencyShare, a.PositionAdjustedShare, a.QueryEntropy),
                         (b.Query, b.Token, b.Head, b.Share, b.RecencyShare, b.PositionAdjustedShare, b.QueryEntropy));
    }

    /// <summary>The measurement against the naive float64 computation: distance profiles, then every row and quantity.</summary>
    internal static void AssertMatchesNaive(Expected expected, TokenAttentionResult result)
    {
        for (int v = 0; v < expected.Profiles.Length; v++)
            for (int distance = 1; distance < expected.Profiles[v].Length; distance++)
                Assert.Equal(expected.Profiles[v][distance], result.DistanceProfiles[v][distance], 1e-6);
        Assert.Equal(expected.Rows.Count, result.Rows.Count);
        foreach (var (e, a) in expected.Rows.Zip(result.Rows))
        {
            Assert.Equal((e.Head, e.Query, e.Token, e.Rows), (a.Head, a.Query, a.Token, a.Rows));
            Assert.Equal(e.Share, a.Share, 1e-6);
            Assert.Equal(e.UniformShare, a.UniformShare, 1e-12);
            Assert.Equal(e.PositionAdjustedShare, a.PositionAdjustedShare, 1e-6);
            Assert.Equal(e.RecencyShare, a.RecencyShare, 1e-6);
            Assert.Equal(e.SelfMass, a.SelfMass, 1e-6);
            Assert.Equal(e.SinkMass, a.SinkMass, 1e-6);
            Assert.Equal(e.QueryEntropy, a.QueryEntropy, 1e-6);
            AssertLogit(e.ExcessLogit, a.ExcessLogit);
            AssertLogit(e.PositionAdjustedExcessLogit, a.PositionAdjustedExcessLogit);
            AssertLogit(e.RecencyExcessLogit, a.RecencyExcessLogit);
        }
    }

    static void AssertLogit(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e) Assert.Equal(e, actual!.Value, 1e-5);
    }

    [Fact]
    public void EachQuerysSharesCoverItsContext()
    {
        using var model = RandomModel(heads: 2, layers: 2, seed: 9);
        var result = new TokenAttentionMeasurement(Queries, new TokenAttentionOptions { Layer = 0, PerHead = true })
            .Measure(model, Vocabulary, Probe(), null, 0);
        var groups = result.Rows.GroupBy(r => (r.Head, r.Query)).ToList();
        Assert.Equal(3 * 4, groups.Count);                                                   // 3 head variants × 4 queries with rows
        foreach (var g in groups)
        {
            Assert.Single(g, r => r.Token == "<rest>");
            Assert.Equal(TokenAttentionQuery.Rest, g.Last().Token);
            Assert.Equal(1.0, g.Sum(r => r.Share), 1e-9);
            Assert.Equal(1.0, g.Sum(r => r.UniformShare), 1e-9);
            Assert.Equal(1.0, g.Sum(r => r.PositionAdjustedShare), 1e-9);
            Assert.Equal(1.0, g.Sum(r => r.RecencyShare), 1e-9);
            Assert.Single(g.Select(r => (r.Rows, r.SelfMass, r.SinkMass, r.QueryEntropy)).Distinct());  // per-query numbers on every row
        }
        var dog = Assert.Single(result.Rows, r => r.Head == -1 && r.Query == "dog");               // no listed tokens: the rest is everything
        Assert.Equal(1.0, dog.Share, 1e-9);
        var neverInContext = Assert.Single(result.Rows, r => r.Head == -1 && r.Query == "." && r.Token == "zebra");
        Assert.Equal((0.0, 0.0, (double?)null), (neverInContext.Share, neverInContext.UniformShare, neverInContext.ExcessLogit));
    }

    [Fact]
    public void RefusesALayerTheModelLacksAndTokensOutsideTheVocabulary()
    {
        using var model = RandomModel(heads: 1, layers: 1, seed: 1);
        var e = Assert.Throws<JomaException>(() => new TokenAttentionMeasurement(Queries, new TokenAttentionOptions { Layer = 1 }).Measure(model, Vocabulary, Probe(), null, 0));
        Assert.Equal("LayerOutOfRange", e.ErrorId);
        e = Assert.Throws<JomaException>(() => new TokenAttentionMeasurement([new("the", ["giraffe"])], new TokenAttentionOptions()).Measure(model, Vocabulary, Probe(), null, 0));
        Assert.Equal(("VocabularyMismatch", JomaErrorKind.InvalidData), (e.ErrorId, e.Kind));
        Assert.Contains("giraffe", e.Message);
        e = Assert.Throws<JomaException>(() => new TokenAttentionMeasurement(Queries, new TokenAttentionOptions(), statisticsVocabularySize: Vocabulary.Count + 1).Measure(model, Vocabulary, Probe(), null, 0));
        Assert.Equal("VocabularyMismatch", e.ErrorId);
    }

    internal sealed record Expected(double[][] Profiles, List<TokenAttention> Rows);

    /// <summary>
    /// The definitions written out in float64 over stored rows: π first, then per query and token the means, with
    /// 1 − p_ii as the context mass. Runs the model's full forward (decoder included) in eval mode.
    /// </summary>
    static Expected Naive(TransformerLanguageModel model, LanguageModelBatches probe, TokenAttentionOptions options)
    {
        int heads = model.Options.Heads, variants = 1 + heads;
        var rows = new List<(int[] Tokens, double[][] P)>();                         // tokens 0..i, per variant p_ij for j ≤ i
        model.eval();
        model.CaptureAttention = true;
        try
        {
            foreach (var start in probe.WindowStarts().Take(options.MaxWindows))
            {
                using var scope = NewDisposeScope();
                var (ids, _, length) = probe.Window(start);
                using (no_grad()) model.forward(tensor(ids, new long[] { length, probe.Columns }, dtype: ScalarType.Int32).to(ScalarType.Int64));
                var p = model.Blocks[options.Layer].Attention.LastProbabilities!.to_type(ScalarType.Float64).data<double>().ToArray();  // [B, H, T, T]
                double P(int b, int h, int i, int j) => p[((b * heads + h) * length + i) * length + j];
                for (int b = 0; b < probe.Columns; b++)
                    for (int i = 1; i < length; i++)
                    {
                        var tokens = Enumerable.Range(0, i + 1).Select(t => ids[t * probe.Columns + b]).ToArray();
                        var perVariant = new double[variants][];
                        perVariant[0] = Enumerable.Range(0, i + 1).Select(j => Enumerable.Range(0, heads).Average(h => P(b, h, i, j))).ToArray();
                        for (int h = 0; h < heads; h++) perVariant[1 + h] = Enumerable.Range(0, i + 1).Select(j => P(b, h, i, j)).ToArray();
                        rows.Add((tokens, perVariant));
                    }
            }
        }
        finally
        {
            model.CaptureAttention = false;
            model.train();
        }

        return NaiveFromRows(rows, variants, probe.Bptt, Queries, t => Vocabulary[t]);
    }

    /// <summary>The definitions in float64 over rows (tokens 0…i, per head variant p_ij for j ≤ i): π first, then the means per query and token.</summary>
    internal static Expected NaiveFromRows(List<(int[] Tokens, double[][] P)> rows, int variants, int maxLength, IReadOnlyList<TokenAttentionQuery> queries,
        Func<string, int> id)
    {
        var profiles = new double[variants][];
        for (int v = 0; v < variants; v++)
        {
            profiles[v] = new double[maxLength];
            for (int distance = 1; distance < maxLength; distance++)
            {
                var at = rows.Where(r => r.Tokens.Length - 1 >= distance).Select(r =>
                {
                    int i = r.Tokens.Length - 1;
                    var p = r.P[v];
                    return i * p[i - distance] / (1 - p[i]);
                }).ToList();
                profiles[v][distance] = at.Count == 0 ? 0 : at.Average();
            }
        }

        var expected = new List<TokenAttention>();
        for (int v = 0; v < variants; v++)
        {
            var pi = profiles[v];
            foreach (var query in queries)
            {
                int m = id(query.Query);
                var mine = rows.Where(r => r.Tokens[^1] == m).ToList();
                if (mine.Count == 0) continue;
                var listed = query.Tokens.Select(id).ToList();
                // Which context tokens a slot holds: a listed token, or (slot = listed.Count) every other.
                bool InSlot(int token, int slot) => slot < listed.Count ? token == listed[slot] : !listed.Contains(token);
                double Mean(Func<int, double[], double> perRow) => mine.Average(r => perRow(r.Tokens.Length - 1, r.P[v]));
                double self = Mean((i, p) => p[i]);
                double sink = Mean((i, p) => p[0] / (1 - p[i]));
                double entropy = Mean((i, p) => -Enumerable.Range(0, i).Sum(j => p[j] / (1 - p[i]) * Math.Log(p[j] / (1 - p[i]) + 1e-8)));
                for (int slot = 0; slot <= listed.Count; slot++)
                {
                    double share = 0, uniform = 0, adjusted = 0, recency = 0;
                    foreach (var r in mine)
                    {
                        int i = r.Tokens.Length - 1;
                        var p = r.P[v];
                        var q = Enumerable.Range(0, i).Select(j => p[j] / (1 - p[i])).ToArray();
                        var w = Enumerable.Range(0, i).Select(j => q[j] / pi[i - j]).ToArray();
                        double wTotal = w.Sum(), piTotal = Enumerable.Range(0, i).Sum(j => pi[i - j]);
                        for (int j = 0; j < i; j++)
                        {
                            if (!InSlot(r.Tokens[j], slot)) continue;
                            share += q[j];
                            uniform += 1.0 / i;
                            adjusted += w[j] / wTotal;
                            recency += pi[i - j] / piTotal;
                        }
                    }
                    int n = mine.Count;
                    (share, uniform, adjusted, recency) = (share / n, uniform / n, adjusted / n, recency / n);
                    double? Logit(double a, double b) => a > 0 && b > 0 ? Math.Log(a / b) : null;
                    expected.Add(new TokenAttention
                    {
                        Head = v - 1, Query = query.Query, Token = slot < listed.Count ? query.Tokens[slot] : "<rest>", Rows = n,
                        Share = share, UniformShare = uniform, ExcessLogit = Logit(share, uniform),
                        PositionAdjustedShare = adjusted, PositionAdjustedExcessLogit = Logit(adjusted, uniform),
                        RecencyShare = recency, RecencyExcessLogit = Logit(recency, uniform),
                        SelfMass = self, SinkMass = sink, QueryEntropy = entropy,
                    });
                }
            }
        }
        return new Expected(profiles, expected);
    }
}
