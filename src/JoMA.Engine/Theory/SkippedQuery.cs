namespace JoMA.Engine.Theory;

/// <summary>
/// A query left out, and why: by <see cref="PredictionComparison"/> from one run/layer/head (Step null: all of it, or
/// the series metric M4) or one checkpoint step, or by <see cref="TokenAttentionMeasurement"/> from one checkpoint's
/// measurement. The cmdlets warn with these instead of silently covering fewer queries.
/// </summary>
public sealed record SkippedQuery(string? Run, int Layer, int Head, long? Step, string Query, string Reason);
