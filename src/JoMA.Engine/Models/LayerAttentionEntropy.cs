namespace JoMA.Engine.Models;

/// <summary>
/// One layer's attention entropy for one sequence, in nats: H(q) = −Σ_k p[q,k] ln p[q,k] (0 ln 0 = 0),
/// averaged over all query positions (q = 0 contributes 0) per head, and over heads too for <see cref="Mean"/>.
/// This is the per-head convention of the reference fixtures; the paper's head-averaged-row entropy is in Metrics.
/// </summary>
public sealed record LayerAttentionEntropy(int Layer, double[] PerHead)
{
    public double Mean => PerHead.Average();

    /// <summary>Readable in Select-Object * (not a record dump with System.Double[]).</summary>
    public override string ToString() =>
        $"layer {Layer}: {string.Join(", ", PerHead.Select(h => h.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}";
}
