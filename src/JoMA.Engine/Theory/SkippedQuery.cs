namespace JoMA.Engine.Theory;

/// <summary>
/// A query that <see cref="PredictionComparison"/> left out of one run/layer/head (Step null: all of it, or the
/// series metric M4) or of one checkpoint step, and why; the cmdlet warns with these instead of scoring silently fewer queries.
/// </summary>
public sealed record SkippedQuery(string? Run, int Layer, int Head, long? Step, string Query, string Reason);
