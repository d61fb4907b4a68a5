using JoMA.Engine.Theory;

namespace JoMA.Engine.Tests.Theory;

/// <summary>
/// Inputs for <see cref="PredictionComparison"/> with a planted relation: every token of every query gets a random
/// theory excess logit ζ_pred, the observed ζ_obs at each step is whatever the test says it is, and the baselines are
/// either fixed functions of ζ_pred (CoOccurrence = e^{−ζ_pred}: anti-monotone) or noise.
/// </summary>
internal sealed class PlantedComparison
{
    public List<CorpusTokenStatistic> Statistics { get; } = [];
    public List<AttentionPrediction> Predictions { get; } = [];
    public List<TokenAttention> Observations { get; } = [];
    /// <summary>ζ_pred by [query][token].</summary>
    public double[][] Theory { get; }

    public PlantedComparison(int queries, int tokens, long[] steps, Func<int, int, long, double, double?> observe,
        int seed = 11, Func<int, long, double>? entropy = null, Func<int, int, double>? unigram = null,
        Func<int, int, long, double, double?>? positionAdjusted = null)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        Theory = new double[queries][];
        double uniform = 1.0 / tokens;
        for (int q = 0; q < queries; q++)
        {
            Theory[q] = new double[tokens];
            for (int t = 0; t < tokens; t++)
            {
                double zeta = Theory[q][t] = Normal();
                Statistics.Add(new CorpusTokenStatistic
                {
                    Query = $"q{q}", QueryId = q, Token = $"t{t}", TokenId = t, Rank = t + 1,
                    CoOccurrence = Math.Exp(-zeta), Unigram = unigram?.Invoke(q, t) ?? random.NextDouble(),
                    Pmi = Normal(), QueryFreeDrive = random.NextDouble(),
                });
                Predictions.Add(new AttentionPrediction
                {
                    Query = $"q{q}", Token = $"t{t}", Rank = t + 1, InitialShare = uniform,
                    ExcessLogit = zeta, FinalExcessLogit = -zeta, RiseTime = zeta > 0 ? 1 / zeta : null,
                    EntropyMinimumTime = 1 + q,
                });
            }
            // The pooled rest is in every input and must be ignored.
            Statistics.Add(new CorpusTokenStatistic { Query = $"q{q}", QueryId = q, Token = "<rest>", TokenId = -1, CoOccurrence = 1 });
            Predictions.Add(new AttentionPrediction { Query = $"q{q}", Token = "<rest>", ExcessLogit = 5 });
            foreach (long step in steps)
            {
                double h = entropy?.Invoke(q, step) ?? 2.0;
                for (int t = 0; t < tokens; t++)
                {
                    double? z = observe(q, t, step, Theory[q][t]);
                    double? adjusted = positionAdjusted is null ? 0.5 * Normal() : positionAdjusted(q, t, step, Theory[q][t]);
                    Observations.Add(new TokenAttention
                    {
                        Run = "run", Step = step, Layer = 0, Head = -1, Query = $"q{q}", Token = $"t{t}", Rows = 50,
                        UniformShare = uniform, Share = z is { } v ? uniform * Math.Exp(v) : 0, ExcessLogit = z,
                        PositionAdjustedShare = adjusted is { } a ? uniform * Math.Exp(a) : 0, PositionAdjustedExcessLogit = adjusted,
                        RecencyShare = uniform, RecencyExcessLogit = Normal(), QueryEntropy = h,
                    });
                }
                Observations.Add(new TokenAttention
                {
                    Run = "run", Step = step, Layer = 0, Head = -1, Query = $"q{q}", Token = "<rest>",
                    Share = 0.5, UniformShare = 0.5, ExcessLogit = 0, QueryEntropy = h,
                });
            }
        }
    }

    public PredictionComparisonResult Compare(PredictionComparisonOptions? options = null) =>
        PredictionComparison.Compare(Statistics, Predictions, Observations, options);

    public static long[] Steps(int count) => Enumerable.Range(0, count).Select(s => 100L * s).ToArray();
}
