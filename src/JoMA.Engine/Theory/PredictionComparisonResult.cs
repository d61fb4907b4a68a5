namespace JoMA.Engine.Theory;

/// <summary>The scores of <see cref="PredictionComparison.Compare"/> and the queries it had to leave out.</summary>
public sealed class PredictionComparisonResult
{
    public PredictionComparisonResult(IReadOnlyList<PredictionScore> scores, IReadOnlyList<SkippedQuery> skipped)
    {
        Scores = scores;
        Skipped = skipped;
    }

    /// <summary>Per run, layer, head: each step's M1, M3Top3, M3Top5, M5 per predictor, then M4 per predictor and M6 (Step null).</summary>
    public IReadOnlyList<PredictionScore> Scores { get; }
    public IReadOnlyList<SkippedQuery> Skipped { get; }
}
