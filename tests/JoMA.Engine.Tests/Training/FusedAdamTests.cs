using JoMA.Engine.Native;
using JoMA.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Training;

public class FusedAdamTests
{
    public FusedAdamTests() => NativeLibraries.EnsureLoaded();

    /// <summary>Two copies of the same parameters: 200 003 elements (several parallel chunks and a scalar tail) and 13.</summary>
    static (Parameter[] A, Parameter[] B) Twins(ScalarType dtype = ScalarType.Float32)
    {
        var generator = new Generator(7);
        var shapes = new[] { new long[] { 200_003 }, new long[] { 13 } };
        var a = shapes.Select(s => new Parameter(randn(s, dtype: dtype, generator: generator))).ToArray();
        var b = a.Select(p => new Parameter(p.detach().clone())).ToArray();
        return (a, b);
    }

    static void SetGradients(Parameter[] a, Parameter[] b, Generator generator)
    {
        for (int i = 0; i < a.Length; i++)
        {
            var g = randn(a[i].shape, dtype: a[i].dtype, generator: generator);
            a[i].grad = g.clone();
            b[i].grad = g.clone();
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void MatchesTorchSharpsAdamStepForStep(double weightDecay)
    {
        Assert.True(TensorMemory.Available);
        var (reference, fused) = Twins();
        using var adam = new Adam(reference, 1e-3, 0.9, 0.999, weight_decay: weightDecay);
        using var fusedAdam = new FusedAdam(fused, 1e-3, weightDecay);
        var generator = new Generator(11);
        for (int step = 0; step < 6; step++)
        {
            SetGradients(reference, fused, generator);
            adam.step();
            fusedAdam.step();
            for (int i = 0; i < reference.Length; i++)
            {
                // float32 rounding of the same arithmetic: a few ulp of the ~1e-3 updates, nothing near the update itself.
                double diff = (reference[i] - fused[i]).abs().max().item<float>();
                Assert.InRange(diff, 0, 2e-6);
            }
        }
        // The parameters moved (by ~lr per step), so the comparison above compares real updates.
        var (start, _) = Twins();
        Assert.InRange((start[0] - fused[0]).abs().mean().item<float>(), 1e-3, 6e-3);
    }

    [Fact]
    public void OtherDtypesFallBackToTorchSharpsAdamExactly()
    {
        var (reference, fused) = Twins(ScalarType.Float64);
        using var adam = new Adam(reference, 1e-3, 0.9, 0.999);
        using var fusedAdam = new FusedAdam(fused, 1e-3);
        var generator = new Generator(3);
        for (int step = 0; step < 3; step++)
        {
            SetGradients(reference, fused, generator);
            adam.step();
            fusedAdam.step();
        }
        for (int i = 0; i < reference.Length; i++) Assert.Equal(0.0, (reference[i] - fused[i]).abs().max().item<double>());
    }
}
