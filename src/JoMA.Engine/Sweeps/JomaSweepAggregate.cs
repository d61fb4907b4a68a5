using JoMA.Engine.Metrics;

namespace JoMA.Engine.Sweeps;

/// <summary>Trials that differ only in the keys aggregated over (usually seed): mean and standard deviation of their results.</summary>
public sealed class JomaSweepAggregate
{
    /// <summary>The grid values the group shares.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();
    public string Name { get; init; } = "";
    public int Trials { get; init; }
    /// <summary>Trials of the group that are done (only their numbers enter the statistics).</summary>
    public int Done { get; init; }
    public double? BestValidationLossMean { get; init; }
    /// <summary>Sample standard deviation (n − 1); 0 for a single trial.</summary>
    public double? BestValidationLossStd { get; init; }
    public LayerValues LayerEntropyMean { get; init; } = new(Array.Empty<double>());
    public LayerValues LayerEntropyStd { get; init; } = new(Array.Empty<double>());
}
