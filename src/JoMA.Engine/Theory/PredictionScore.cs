namespace JoMA.Engine.Theory;

/// <summary>
/// One row of Compare-JomaAttentionPrediction: how well one predictor matches the observed attention on one
/// metric at one checkpoint step, summarised over queries (median and bootstrap interval).
/// Metrics: M1 Spearman(ζ_pred, ζ_obs); M3Top3 / M3Top5 overlap; M4 Kendall τ of rise order; M5 sign agreement;
/// M6 Spearman across queries of the entropy-minimum timing (theory only).
/// </summary>
public sealed class PredictionScore
{
    public string? Run { get; init; }
    /// <summary>The checkpoint step; null for the series metrics (M4, M6) computed over every step.</summary>
    public long? Step { get; init; }
    public int Layer { get; init; }
    public int Head { get; init; } = -1;
    /// <summary>Theory, CoOccurrence, Unigram, Pmi, Recency, QueryFree or Null.</summary>
    public string Predictor { get; init; } = "";
    public string Metric { get; init; } = "";
    public double Median { get; init; }
    public double Low { get; init; }
    public double High { get; init; }
    /// <summary>Queries that entered the median.</summary>
    public int Queries { get; init; }
    /// <summary>For baselines: true when the theory beats this predictor (paired bootstrap 95 % CI of Theory − this above 0); null for the theory itself.</summary>
    public bool? TheoryBeats { get; init; }
    /// <summary>For baselines: median over queries of Theory − this predictor, with its paired interval.</summary>
    public double? Difference { get; init; }
    public double? DifferenceLow { get; init; }
    public double? DifferenceHigh { get; init; }
}
