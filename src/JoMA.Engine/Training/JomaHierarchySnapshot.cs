using JoMA.Engine.Hierarchy;
using JoMA.Engine.Models;

namespace JoMA.Engine.Training;

/// <summary>
/// One evaluation of a hierarchical-task run (step 0 and every EvaluateEvery steps): losses and accuracy
/// on a fixed held-out set, plus the model's weights and tree, so Measure-JomaLatentAlignment can score it.
/// </summary>
public sealed class JomaHierarchySnapshot
{
    public string Run { get; init; } = "";
    public long Step { get; init; }
    /// <summary>Mean training loss and accuracy over the steps since the previous snapshot (null at step 0).</summary>
    public double? TrainLoss { get; init; }
    public double? TrainAccuracy { get; init; }
    /// <summary>Cross-entropy and accuracy on the fixed evaluation samples (hierarchy.evaluation_samples).</summary>
    public double EvaluationLoss { get; init; }
    public double Accuracy { get; init; }
    public double LearningRate { get; init; }
    public string? CheckpointPath { get; init; }
    public double SamplesPerSecond { get; init; }
    public double ElapsedSeconds { get; init; }
    public long Seed { get; init; }
    public LatentTree? LatentTree { get; init; }
    /// <summary>The weights at this step (managed copy), which rebuild the model for alignment measurement.</summary>
    public HierarchicalModelState? Model { get; init; }
}
