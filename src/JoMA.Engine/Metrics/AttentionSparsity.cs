namespace JoMA.Engine.Metrics;

/// <summary>
/// One row of Measure-AttentionSparsity: the sparsity of one attention source at one point
/// (a dynamics time, a training step, a checkpoint window), for one layer and head (−1 = head-averaged).
/// Identifying properties of the input (Source, Run, System, Index, Time, Step) are carried through.
/// </summary>
public sealed class AttentionSparsity
{
    public string? Source { get; init; }
    public string? Model { get; init; }
    public string? Revision { get; init; }
    public string? Run { get; init; }
    public string? System { get; init; }
    public int? Index { get; init; }
    public double? Time { get; init; }
    public long? Step { get; init; }
    /// <summary>The text window (checkpoint attention); null for aggregates and other sources.</summary>
    public int? Window { get; init; }
    public int Layer { get; init; }
    /// <summary>Head index, or −1 for the head-averaged attention (the paper's definition).</summary>
    public int Head { get; init; } = -1;
    public double Entropy { get; init; }
    public double MaxEntropy { get; init; }
    public double NormalizedEntropy { get; init; }
    public double EffectiveSupport { get; init; }
    public double TopMass { get; init; }
    public long Rows { get; init; }

    /// <summary>A row with the statistics of <paramref name="stats"/> and the identity of <paramref name="identity"/>.</summary>
    public static AttentionSparsity From(AttentionSparsity identity, int layer, int head, AttentionRowStatistics stats) => new()
    {
        Source = identity.Source, Model = identity.Model, Revision = identity.Revision, Run = identity.Run, System = identity.System,
        Index = identity.Index, Time = identity.Time, Step = identity.Step, Window = identity.Window,
        Layer = layer, Head = head, Entropy = stats.Entropy, MaxEntropy = stats.MaxEntropy, NormalizedEntropy = stats.NormalizedEntropy,
        EffectiveSupport = stats.EffectiveSupport, TopMass = stats.TopMass, Rows = stats.Rows,
    };
}
