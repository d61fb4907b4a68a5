namespace JoMA.Engine.Hierarchy;

/// <summary>One latent's row of the full alignment table (-PerLatent): its best hidden node and that correlation.</summary>
public sealed class LatentCorrelation
{
    public string Run { get; init; } = "";
    public long Step { get; init; }
    public int Layer { get; init; }
    public int Latent { get; init; }
    public double Correlation { get; init; }
    public int HiddenNode { get; init; }
    /// <summary>Whether this latent counts towards the layer's score (correlation above 0.01).</summary>
    public bool Aligned { get; init; }
    public string Kind { get; init; } = "Pearson";
}
