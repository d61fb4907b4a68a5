namespace JoMA.Engine.Theory;

/// <summary>A query that got no rows from a checkpoint's measurement, and why (the cmdlet warns with it).</summary>
public sealed record SkippedQuery(string Query, int Head, string Reason);
