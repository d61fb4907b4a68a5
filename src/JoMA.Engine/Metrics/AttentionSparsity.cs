namespace JoMA.Engine.Metrics;

/// <summary>
/// One row of Measure-AttentionSparsity: the sparsity of one attention source at one point
/// (a dynamics time, a training step, a checkpoint window), for one layer and head (−1 = head-averaged).
/// Identifying properties of the input (Source, Run, System, Index, Time, Step) are carried through.
/// </summary>
public sealed class AttentionSparsity
{
    public string? Source { get; init; }
    public string? Run { get; init; }
    public string? System { get; init; }
    public int? Index { get; init; }
    public double? Time { get; init; }
    public long? Step { get; init; }
    public int Layer { get; init; }
    /// <summary>Head index, or −1 for the head-averaged attention (the paper's definition).</summary>
    public int Head { get; init; } = -1;
    public double Entropy { get; init; }
    public double MaxEntropy { get; init; }
    public double NormalizedEntropy { get; init; }
    public double EffectiveSupport { get; init; }
    public double TopMass { get; init; }
    public long Rows { get; init; }
}
