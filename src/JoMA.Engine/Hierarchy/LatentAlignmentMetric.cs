using static TorchSharp.torch;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// The Table 1 metric (SCIENCE.md §6): correlate each latent's activity with every hidden node, keep the
/// best node per latent, and average the maxima that exceed 0.01.
/// </summary>
public static class LatentAlignmentMetric
{
    public const double Threshold = 0.01;

    /// <summary>
    /// For each latent, the largest correlation with any hidden node and that node's index.
    /// </summary>
    /// <param name="hidden">[N, H] hidden activity per sample (already pooled over positions)</param>
    /// <param name="active">[N, K] 1 where a latent was active</param>
    public static (double[] Best, int[] Node) BestPerLatent(Tensor hidden, Tensor active, CorrelationKind kind)
    {
        using var scope = NewDisposeScope();
        var h = hidden.to_type(ScalarType.Float64).cpu();
        var a = active.to_type(ScalarType.Float64).cpu();
        if (kind == CorrelationKind.Pearson)
        {
            h = h - h.mean([0L], keepdim: true);
            a = a - a.mean([0L], keepdim: true);
        }
        // NC(a, h) = ⟨a, h⟩ / (‖a‖·‖h‖ + 1e−8): a constant column (latent always off, dead node) scores 0.
        var inner = a.t().matmul(h);                                                        // [K, H]
        var norms = a.norm(0, keepdim: false).unsqueeze(1) * h.norm(0, keepdim: false).unsqueeze(0);
        var correlation = inner / (norms + 1e-8);                                           // [K, H]
        var (best, node) = correlation.max(1);
        return (best.data<double>().ToArray(), node.data<long>().Select(n => (int)n).ToArray());
    }

    /// <summary>Mean of the per-latent maxima above <see cref="Threshold"/>; 0 when none is.</summary>
    public static double Score(IEnumerable<double> best)
    {
        var kept = best.Where(b => b > Threshold).ToArray();
        return kept.Length == 0 ? 0 : kept.Average();
    }
}
