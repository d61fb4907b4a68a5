using System.Diagnostics;
using System.Reflection;
using JoMA.Engine.Theory;
using Xunit.Abstractions;

namespace JoMA.Engine.Tests.Theory;

public class PredictionComparisonTests(ITestOutputHelper output)
{
    static readonly PredictionComparisonOptions Quick = new() { BootstrapResamples = 200 };

    static PredictionScore Row(PredictionComparisonResult result, string predictor, string metric, long? step) =>
        Assert.Single(result.Scores, s => s.Predictor == predictor && s.Metric == metric && s.Step == step);

    /// <summary>ζ_obs = ζ_pred³·(1 + step/100): monotone and sign-preserving in ζ_pred, different at each step.</summary>
    static double? Monotone(int q, int t, long step, double zeta) => zeta * zeta * zeta * (1 + step / 100.0);

    [Fact]
    public void PlantedMonotoneObservationsScoreTheTheoryPerfectlyAndTheAntiMonotoneBaselineAtMinusOne()
    {
        var planted = new PlantedComparison(40, 12, PlantedComparison.Steps(3), Monotone);
        var result = planted.Compare(Quick);
        foreach (long step in new long[] { 0, 100, 200 })
        {
            foreach (string metric in new[] { "M1", "M3Top3", "M3Top5", "M5" })
            {
                var theory = Row(result, "Theory", metric, step);
                Assert.Equal(1.0, theory.Median, 12);
                Assert.Equal(1.0, theory.Low, 12);
                Assert.Equal(1.0, theory.High, 12);
                Assert.Equal(40, theory.Queries);
                Assert.Null(theory.TheoryBeats);
                Assert.Null(theory.Difference);
            }
            // CoOccurrence = e^{−ζ_pred}: exactly reversed, so ρ = −1 on every query and Theory − it = 2 on every query.
            var coOccurrence = Row(result, "CoOccurrence", "M1", step);
            Assert.Equal(-1.0, coOccurrence.Median, 12);
            Assert.Equal(-1.0, coOccurrence.High, 12);
            Assert.Equal(2.0, coOccurrence.Difference!.Value, 12);
            Assert.Equal(2.0, coOccurrence.DifferenceLow!.Value, 12);
            Assert.True(coOccurrence.TheoryBeats);
            Assert.Equal(0.0, Row(result, "CoOccurrence", "M3Top3", step).Median, 12);   // the top 3 are the bottom 3
        }
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void PermutationNullIsCentredOnZeroAndBeatenByThePlantedTheory()
    {
        var planted = new PlantedComparison(200, 20, [0], Monotone);
        foreach (int permutations in new[] { 1, 5 })
        {
            var result = planted.Compare(Quick with { NullPermutations = permutations });
            var nullRow = Row(result, "Null", "M1", 0);
            Assert.Equal(200, nullRow.Queries);
            Assert.True(Math.Abs(nullRow.Median) < 0.2, $"Null M1 median {nullRow.Median} with {permutations} permutation(s)");
            Assert.True(nullRow.Low < 0 && nullRow.High > 0, $"Null M1 interval [{nullRow.Low}, {nullRow.High}] should straddle 0");
            Assert.True(nullRow.TheoryBeats);
        }
    }

    /// <summary>One query, five tokens, steps 0, 10, 20, 30, shares doubling (≥ 0.2 from 0.1) at known steps.</summary>
    static PredictionComparisonResult RiseOrderCase()
    {
        long[] steps = [0, 10, 20, 30];
        double?[] riseTime = [1, 2, null, 3, null];
        double[] coOccurrence = [0.9, 0.5, 0.1, 0.7, 0.3];
        double[][] shares =
        [
            [0.1, 0.25, 0.25, 0.25],   // rises at 10
            [0.1, 0.12, 0.15, 0.20],   // rises at 30 (exactly twice)
            [0.1, 0.10, 0.19, 0.15],   // never: censored
            [0.1, 0.10, 0.30, 0.30],   // rises at 20
            [0.1, 0.15, 0.20, 0.10],   // rises at 20, then falls back
        ];
        var statistics = new List<CorpusTokenStatistic>();
        var predictions = new List<AttentionPrediction>();
        var observations = new List<TokenAttention>();
        for (int t = 0; t < 5; t++)
        {
            statistics.Add(new() { Query = "q", Token = $"t{t}", Rank = t + 1, CoOccurrence = coOccurrence[t], Unigram = 0.1 * (t + 1), Pmi = t, QueryFreeDrive = 5 - t });
            predictions.Add(new() { Query = "q", Token = $"t{t}", ExcessLogit = t, RiseTime = riseTime[t], InitialShare = 0.2, EntropyMinimumTime = 1 });
            for (int s = 0; s < steps.Length; s++)
                observations.Add(new() { Step = steps[s], Query = "q", Token = $"t{t}", Share = shares[t][s], UniformShare = 0.1, ExcessLogit = Math.Log(shares[t][s] / 0.1), RecencyExcessLogit = 0.1 * t, QueryEntropy = 1 });
        }
        return PredictionComparison.Compare(statistics, predictions, observations, Quick);
    }

    [Fact]
    public void RiseOrderRanksCensoredTokensLastAndTied()
    {
        var result = RiseOrderCase();
        // Predicted (1, 2, ∞, 3, ∞) against observed (10, 30, ∞, 20, 20): 6 concordant, 2 discordant, one pair tied
        // in the prediction only (the two ∞), one tied in the observation only (20, 20): τ-b = 4/√(9·9) = 4/9
        // (counted by hand; scipy.stats.kendalltau([1,2,inf,3,inf],[1,3,inf,2,2]) agrees).
        var theory = Row(result, "Theory", "M4", null);
        Assert.Equal(4.0 / 9, theory.Median, 12);
        Assert.Equal(4.0 / 9, theory.Low, 12);    // one query: every resample is that query
        Assert.Equal(4.0 / 9, theory.High, 12);
        Assert.Equal(1, theory.Queries);
        // Baselines rise in order of decreasing value: CoOccurrence enters as −(0.9, 0.5, 0.1, 0.7, 0.3);
        // scipy.stats.kendalltau([-.9,-.5,-.1,-.7,-.3],[1,3,inf,2,2]) = 0.7378647873726218 (= 7/√90 by hand).
        var coOccurrence = Row(result, "CoOccurrence", "M4", null);
        Assert.Equal(0.7378647873726218, coOccurrence.Median, 12);
        Assert.Equal(4.0 / 9 - 0.7378647873726218, coOccurrence.Difference!.Value, 12);
        Assert.False(coOccurrence.TheoryBeats);
        // Unigram rises 0.5, 0.4, … first: −(0.1 … 0.5) reversed against the observed order.
        Assert.Equal(RankStatistics.KendallTauB([-0.1, -0.2, -0.3, -0.4, -0.5], [10, 30, double.PositiveInfinity, 20, 20])!.Value,
            Row(result, "Unigram", "M4", null).Median, 12);
    }

    [Fact]
    public void EntropyMinimumTimingIsOneOnAPlantedMonotoneRelation()
    {
        // Query q's entropy is smallest at step 100·q; its predicted entropy-minimum time is 1 + q.
        var rising = new PlantedComparison(10, 6, PlantedComparison.Steps(10), Monotone, entropy: (q, step) => Math.Pow(step / 100.0 - q, 2) + 1);
        var m6 = Row(rising.Compare(Quick), "Theory", "M6", null);
        Assert.Equal(1.0, m6.Median, 12);
        Assert.Equal(1.0, m6.Low, 12);
        Assert.Equal(1.0, m6.High, 12);
        Assert.Equal(10, m6.Queries);
        Assert.Null(m6.TheoryBeats);

        var falling = new PlantedComparison(10, 6, PlantedComparison.Steps(10), Monotone, entropy: (q, step) => Math.Pow(step / 100.0 - (9 - q), 2) + 1);
        Assert.Equal(-1.0, Row(falling.Compare(Quick), "Theory", "M6", null).Median, 12);
        Assert.DoesNotContain(falling.Compare(Quick).Scores, s => s.Metric == "M6" && s.Predictor != "Theory");
    }

    static PlantedComparison Noisy(int queries = 30) =>
        new(queries, 10, PlantedComparison.Steps(4), (q, t, step, zeta) => zeta + Math.Sin(1000 * q + 37 * t + step) * (0.5 + step / 200.0),
            entropy: (q, step) => Math.Cos(q + step / 100.0) + 2);

    static string Describe(PredictionScore s) => string.Join("|", typeof(PredictionScore).GetProperties().Select(p => p.GetValue(s) is double d ? d.ToString("R") : p.GetValue(s)?.ToString() ?? "null"));

    [Fact]
    public void SameSeedGivesIdenticalScoresAndAnotherSeedOtherIntervals()
    {
        var planted = Noisy();
        var first = planted.Compare(Quick).Scores.Select(Describe).ToList();
        var second = planted.Compare(Quick).Scores.Select(Describe).ToList();
        Assert.Equal(first, second);
        Assert.NotEqual(first, planted.Compare(Quick with { Seed = 2 }).Scores.Select(Describe).ToList());

        var scores = planted.Compare(Quick).Scores;
        var theory = Row(planted.Compare(Quick), "Theory", "M1", 300);
        Assert.True(theory.Low < theory.Median && theory.Median < theory.High, $"[{theory.Low}, {theory.Median}, {theory.High}]");
        Assert.All(scores, s => Assert.True(s.Low <= s.High, Describe(s)));
    }

    [Fact]
    public void SkippedQueriesAreReportedAndLeftOut()
    {
        // q2 keeps only two tokens with an excess logit at step 100.
        var planted = new PlantedComparison(6, 6, PlantedComparison.Steps(2), (q, t, step, zeta) => q == 2 && step == 100 && t >= 2 ? null : Monotone(q, t, step, zeta));
        planted.Observations.Add(new TokenAttention { Run = "run", Step = 0, Query = "stranger", Token = "t0", ExcessLogit = 1, Share = 0.1, UniformShare = 0.05 });
        planted.Statistics.Add(new CorpusTokenStatistic { Query = "lonely", Token = "t0", Rank = 1 });
        planted.Predictions.Add(new AttentionPrediction { Query = "lonely", Token = "t0" });
        var result = planted.Compare(Quick);

        Assert.Equal(3, result.Skipped.Count);
        Assert.Contains(new SkippedQuery("run", 0, -1, 100, "q2", "fewer than 3 usable tokens (2)"), result.Skipped);
        Assert.Contains(new SkippedQuery("run", 0, -1, null, "stranger", "no corpus statistics for this query"), result.Skipped);
        Assert.Contains(new SkippedQuery("run", 0, -1, null, "lonely", "not observed"), result.Skipped);
        Assert.Equal(6, Row(result, "Theory", "M1", 0).Queries);
        Assert.Equal(5, Row(result, "Theory", "M1", 100).Queries);
        Assert.Equal(1.0, Row(result, "Theory", "M1", 100).Median, 12);
    }

    static void AssertNoNaN(PredictionComparisonResult result)
    {
        var doubles = typeof(PredictionScore).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(double) || p.PropertyType == typeof(double?)).ToList();
        Assert.Equal(6, doubles.Count);   // Median, Low, High, Difference, DifferenceLow, DifferenceHigh: none forgotten
        Assert.NotEmpty(result.Scores);
        foreach (var score in result.Scores)
            foreach (var property in doubles)
                if (property.GetValue(score) is double value)
                    Assert.True(double.IsFinite(value), $"{property.Name} = {value} in {Describe(score)}");
    }

    [Fact]
    public void DegenerateQueriesAreLeftOutInsteadOfBecomingNaN()
    {
        // q0: a constant unigram (ρ undefined); q1: every ζ_obs exactly 0 (ρ and sign agreement undefined);
        // q2: every token rises at once; q3: theory values NaN on one token.
        var planted = new PlantedComparison(12, 8, PlantedComparison.Steps(5),
            (q, t, step, zeta) => q == 1 ? 0 : q == 2 ? (step == 0 ? 0 : 3) : Monotone(q, t, step, zeta),
            unigram: (q, t) => q == 0 ? 0.25 : 0.01 * (t + 1));
        int nanToken = planted.Predictions.FindIndex(p => p.Query == "q3" && p.Token == "t4");
        var original = planted.Predictions[nanToken];
        planted.Predictions[nanToken] = new AttentionPrediction { Query = "q3", Token = "t4", ExcessLogit = double.NaN, RiseTime = double.NaN, InitialShare = original.InitialShare, EntropyMinimumTime = original.EntropyMinimumTime };
        var result = planted.Compare(Quick);
        AssertNoNaN(result);
        // At step 100, q1's ζ_obs are all 0 and q2's all 3: both constant.
        Assert.Equal(9, Row(result, "Unigram", "M1", 100).Queries);    // q0 (constant unigram), q1, q2 left out
        Assert.Equal(9, Row(result, "Theory", "M1", 100).Queries);     // q1, q2, q3 (NaN prediction) left out
        Assert.Equal(11, Row(result, "Theory", "M3Top3", 100).Queries); // q3 only: top-k is defined on constant ζ_obs
        Assert.Equal(10, Row(result, "Theory", "M5", 100).Queries);    // q1 (no nonzero ζ_obs) and q3

        // Five tokens and one step: no query has more than 5 tokens (M3Top5) or any rise (M4) or a timing spread (M6).
        var tiny = new PlantedComparison(8, 5, [0], Monotone);
        var tinyResult = tiny.Compare(Quick);
        AssertNoNaN(tinyResult);
        Assert.DoesNotContain(tinyResult.Scores, s => s.Metric is "M3Top5" or "M4" or "M6");
        Assert.Contains(tinyResult.Scores, s => s.Metric == "M3Top3");
    }

    [Fact]
    public void PositionAdjustedAndFinalPredictionOptionsChangeWhatIsCompared()
    {
        // ζ_obs is noise; the position-adjusted excess logit is 2·ζ_pred.
        var planted = new PlantedComparison(20, 8, [0], (q, t, step, zeta) => Math.Sin(q * 31 + t * 7), positionAdjusted: (q, t, step, zeta) => 2 * zeta);
        Assert.True(Row(planted.Compare(Quick), "Theory", "M1", 0).Median < 0.9);
        Assert.Equal(1.0, Row(planted.Compare(Quick with { PositionAdjusted = true }), "Theory", "M1", 0).Median, 12);

        // The planted FinalExcessLogit is −ζ_pred.
        var monotone = new PlantedComparison(20, 8, [0], Monotone);
        Assert.Equal(-1.0, Row(monotone.Compare(Quick with { UseFinalPrediction = true }), "Theory", "M1", 0).Median, 12);
    }

    [Fact]
    public void WithoutPredictionsOnlyTheBaselinesAreScored()
    {
        var planted = new PlantedComparison(10, 8, PlantedComparison.Steps(2), Monotone);
        var result = PredictionComparison.Compare(planted.Statistics, [], planted.Observations, Quick);
        Assert.Equal(["CoOccurrence", "Pmi", "QueryFree", "Recency", "Unigram"], result.Scores.Select(s => s.Predictor).Distinct().Order());
        Assert.All(result.Scores, s => Assert.Null(s.TheoryBeats));
        Assert.Equal(-1.0, Row(result, "CoOccurrence", "M1", 0).Median, 12);
    }

    [Fact]
    public void TokensListedTwiceThrow()
    {
        var planted = new PlantedComparison(3, 4, [0], Monotone);
        planted.Predictions.Add(new AttentionPrediction { Query = "q1", Token = "t2" });
        Assert.Equal("TokenListedTwice", Assert.Throws<JomaException>(() => planted.Compare(Quick)).ErrorId);
        planted.Predictions.RemoveAt(planted.Predictions.Count - 1);
        planted.Observations.Add(new TokenAttention { Run = "run", Step = 0, Query = "q1", Token = "t2" });
        Assert.Equal("TokenListedTwice", Assert.Throws<JomaException>(() => planted.Compare(Quick)).ErrorId);
        Assert.Equal("ConfidenceInvalid", Assert.Throws<JomaException>(() => PredictionComparison.Compare([], [], [], new PredictionComparisonOptions { Confidence = 1 })).ErrorId);
    }

    [Fact]
    public void FullSizeComparisonIsFastAndEmitsEveryRow()
    {
        // 200 queries × 20 tokens × 40 steps × 7 predictors, 1000 resamples: the size the brief asks to keep under a second or two.
        var planted = new PlantedComparison(200, 20, PlantedComparison.Steps(40), (q, t, step, zeta) => zeta + Math.Sin(q * 13 + t * 5 + step),
            entropy: (q, step) => Math.Abs(step / 100.0 - q % 40) + 1);
        // Cold, as the cmdlet runs it: the first call in the process pays for the JIT.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = planted.Compare();
        clock.Stop();
        output.WriteLine($"full-size comparison: {clock.Elapsed.TotalMilliseconds:F0} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms CPU, {result.Scores.Count} rows");
        Assert.Equal(40 * 4 * 7 + 7 + 1, result.Scores.Count);
        AssertNoNaN(result);
        // Generous on a shared 2-core machine; the figure above is the one to read.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
    }
}
