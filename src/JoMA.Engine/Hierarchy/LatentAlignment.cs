using JoMA.Engine.Metrics;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// The Table 1 score of one block/tree layer at one training step: the mean, over latents whose best
/// correlation exceeds 0.01, of each latent's best correlation with a hidden node of that block.
/// </summary>
public sealed class LatentAlignment
{
    public string Run { get; init; } = "";
    public long Step { get; init; }
    public int Layer { get; init; }
    public double Score { get; init; }
    /// <summary>Pearson (centred, the paper's) or Cosine.</summary>
    public string Correlation { get; init; } = "Pearson";
    public int Latents { get; init; }
    /// <summary>Latents whose best correlation exceeds 0.01 (those averaged into Score).</summary>
    public int AlignedLatents { get; init; }
    /// <summary>Per latent: its best correlation with any hidden node.</summary>
    public LayerValues PerLatentCorrelation { get; init; } = new(Array.Empty<double>());
    /// <summary>Per latent: the index of that best hidden node.</summary>
    public IndexList BestNode { get; init; } = new(Array.Empty<int>());
    public int Samples { get; init; }
}
