using JoMA.Engine.Metrics;
using JoMA.Engine.Native;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Metrics;

public class StableRankTests
{
    [Fact]
    public void DiagonalMatrixHasClosedForm()
    {
        NativeLibraries.EnsureLoaded();
        using var scope = NewDisposeScope();
        // σ = 3, 2, 1 → sr = (9 + 4 + 1) / 9 (not Σσ/σmax = 2).
        var w = diag(tensor(new[] { 3f, -2f, 1f }));
        var sr = StableRankValue.Of(w);
        Assert.Equal(14.0 / 9, sr.StableRank, 10);
        Assert.Equal(3, sr.SpectralNorm, 10);
        Assert.Equal(Math.Sqrt(14), sr.FrobeniusNorm, 10);
    }

    [Fact]
    public void InvariantUnderRotationAndScale()
    {
        NativeLibraries.EnsureLoaded();
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var w = randn(new long[] { 8, 5 }, generator: g, dtype: ScalarType.Float64);
        var (q, _) = linalg.qr(randn(new long[] { 8, 8 }, generator: g, dtype: ScalarType.Float64));
        Assert.Equal(StableRankValue.Of(w).StableRank, StableRankValue.Of(q.matmul(w) * 7.5).StableRank, 10);
        Assert.Equal(1.0, StableRankValue.Of(ones(4, 6)).StableRank, 10); // rank one
    }

    [Fact]
    public void RefusesNonFiniteWeights()
    {
        NativeLibraries.EnsureLoaded();
        using var scope = NewDisposeScope();
        var e = Assert.Throws<JomaException>(() => StableRankValue.Of(tensor(new[,] { { 1f, float.NaN } })));
        Assert.Equal("WeightNotFinite", e.ErrorId);
    }
}
