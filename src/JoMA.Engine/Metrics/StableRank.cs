using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Metrics;

/// <summary>sr(W) = ‖W‖_F² / ‖W‖₂² = Σσ_i² / σ_max² (SCIENCE.md §1), with the two norms it is made of.</summary>
public sealed record StableRankValue(double StableRank, double SpectralNorm, double FrobeniusNorm)
{
    /// <summary>
    /// Exact: singular values by LAPACK (torch.linalg.svdvals) in float64, on the matrix's device; relative
    /// error ~1e−15·cond. A zero matrix has stable rank 0 by convention (both norms are 0).
    /// </summary>
    public static StableRankValue Of(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        if (matrix.dim() != 2) throw JomaException.Argument("NotAMatrix", $"Stable rank needs a 2-D weight; got shape [{string.Join(", ", matrix.shape)}].");
        var w = matrix.detach().to_type(ScalarType.Float64);
        if (!w.isfinite().all().item<bool>())
            throw new JomaException("WeightNotFinite", JomaErrorKind.InvalidData, "The weight holds NaN or infinite values; its stable rank is undefined.");
        var sigma = linalg.svdvals(w);
        double spectral = sigma.max().item<double>();
        double frobenius = Math.Sqrt(sigma.pow(2).sum().item<double>());
        return new StableRankValue(spectral == 0 ? 0 : frobenius * frobenius / (spectral * spectral), spectral, frobenius);
    }
}
