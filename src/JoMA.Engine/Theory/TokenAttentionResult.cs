namespace JoMA.Engine.Theory;

/// <summary>
/// One checkpoint's token attention: the rows (per query: its listed tokens, then &lt;rest&gt;; head-averaged first, then
/// each head when asked), the queries that got none, and the distance profile π(d) of each head variant.
/// </summary>
/// <param name="DistanceProfiles">π per head variant, [0] head-averaged and [1 + h] head h (with PerHead); index = distance d (index 0 unused). See <see cref="DistanceProfile"/>.</param>
/// <param name="ContextRows">Probe rows with context (position i ≥ 1 of a window), every token's.</param>
public sealed record TokenAttentionResult(
    string? Run,
    long Step,
    int Layer,
    IReadOnlyList<TokenAttention> Rows,
    IReadOnlyList<SkippedQuery> Skipped,
    IReadOnlyList<double[]> DistanceProfiles,
    long ContextRows);
