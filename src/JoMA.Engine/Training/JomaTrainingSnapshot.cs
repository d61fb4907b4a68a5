using JoMA.Engine.Metrics;

namespace JoMA.Engine.Training;

/// <summary>
/// One evaluation of a training run (every EvaluateEvery minibatches and at step 0), streamed at once:
/// losses, the paper's per-layer attention entropy over the whole validation split, per-head entropy,
/// the stable rank of each layer's lower MLP weight, and a probe AttentionSample.
/// </summary>
public sealed class JomaTrainingSnapshot
{
    public string Run { get; init; } = "";
    /// <summary>Minibatches trained so far.</summary>
    public long Step { get; init; }
    public int Epoch { get; init; }
    /// <summary>Mean training loss since the previous snapshot (null at step 0).</summary>
    public double? TrainLoss { get; init; }
    public double ValidationLoss { get; init; }
    public double ValidationPerplexity { get; init; }
    public double LearningRate { get; init; }
    /// <summary>Per layer: mean over the validation split of H(head-averaged attention row) (SCIENCE.md §1).</summary>
    public LayerValues LayerEntropy { get; init; } = new(Array.Empty<double>());
    /// <summary>[layer, head]: mean entropy of each head's rows.</summary>
    public LayerHeadValues HeadEntropy { get; init; } = new(new double[0, 0]);
    /// <summary>Per layer: stable rank of linear1.weight.</summary>
    public LayerValues StableRank { get; init; } = new(Array.Empty<double>());
    /// <summary>Full-split statistics per layer (what Measure-AttentionSparsity reports for a snapshot).</summary>
    public LayerAttentionStatistics[] AttentionStatistics { get; init; } = Array.Empty<LayerAttentionStatistics>();
    /// <summary>Attention of the fixed probe batch (the first validation windows).</summary>
    public AttentionSample? Attention { get; init; }
    public string? CheckpointPath { get; init; }
    public double TokensPerSecond { get; init; }
    public double ElapsedSeconds { get; init; }
}
