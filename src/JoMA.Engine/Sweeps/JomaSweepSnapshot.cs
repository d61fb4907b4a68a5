using JoMA.Engine.Metrics;

namespace JoMA.Engine.Sweeps;

/// <summary>One evaluation of one trial of a sweep: the trial's id, name and grid values, and the snapshot's numbers.</summary>
public sealed class JomaSweepSnapshot
{
    public string Trial { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>The trial's grid values by dotted key (the cmdlet also adds each as a property of its own).</summary>
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();
    public long Step { get; init; }
    public int Epoch { get; init; }
    public double? TrainLoss { get; init; }
    public double ValidationLoss { get; init; }
    public double ValidationPerplexity { get; init; }
    public double LearningRate { get; init; }
    public LayerValues LayerEntropy { get; init; } = new(Array.Empty<double>());
    public LayerValues StableRank { get; init; } = new(Array.Empty<double>());
    public string? CheckpointPath { get; init; }
    public double ElapsedSeconds { get; init; }

    public static JomaSweepSnapshot From(SweepTrialRecord trial, MetricsLine line) => new()
    {
        Trial = trial.Id, Name = trial.Name, Values = trial.Values,
        Step = line.Step, Epoch = line.Epoch, TrainLoss = line.TrainLoss, ValidationLoss = line.ValidationLoss,
        ValidationPerplexity = line.ValidationPerplexity, LearningRate = line.LearningRate,
        LayerEntropy = line.LayerEntropy, StableRank = line.StableRank, CheckpointPath = line.CheckpointPath, ElapsedSeconds = line.ElapsedSeconds,
    };
}
