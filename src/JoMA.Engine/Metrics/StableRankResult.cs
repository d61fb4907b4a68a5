namespace JoMA.Engine.Metrics;

/// <summary>One row of Measure-JomaStableRank: the stable rank of one layer's weight matrix at one point (checkpoint or training step).</summary>
public sealed class StableRankResult
{
    public string? Source { get; init; }
    public string? Model { get; init; }
    public string? Revision { get; init; }
    public string? Run { get; init; }
    public long? Step { get; init; }
    public int Layer { get; init; }
    /// <summary>Which weight: linear1 (trained models), dense_h_to_4h (GPT-NeoX), fc1 (OPT), or another named with -Matrix.</summary>
    public string Matrix { get; init; } = "";
    public double StableRank { get; init; }
    public double SpectralNorm { get; init; }
    public double FrobeniusNorm { get; init; }
}
