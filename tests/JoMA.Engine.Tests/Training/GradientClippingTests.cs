using JoMA.Engine.Native;
using JoMA.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Training;

public class GradientClippingTests
{
    public GradientClippingTests() => NativeLibraries.EnsureLoaded();

    /// <summary>Two copies of three parameters (one past a parallel chunk) with the same gradients, of total norm about 450.</summary>
    static (Parameter[] A, Parameter[] B) Twins(float gradientSize)
    {
        var generator = new Generator(21);
        var shapes = new[] { new long[] { 200_003 }, new long[] { 40, 5 }, new long[] { 13 } };
        var a = shapes.Select(s => new Parameter(randn(s, generator: generator))).ToArray();
        var b = a.Select(p => new Parameter(p.detach().clone())).ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            var g = randn(a[i].shape, generator: generator) * gradientSize;
            a[i].grad = g.clone();
            b[i].grad = g.clone();
        }
        return (a, b);
    }

    [Theory]
    [InlineData(1f)]     // norm ≈ 450 > 0.5: clipped
    [InlineData(1e-4f)]  // norm ≈ 0.045 < 0.5: coefficient 1
    public void FusedIntoAdamMatchesClipGradNormThenAdam(float gradientSize)
    {
        var (reference, fused) = Twins(gradientSize);
        using var referenceAdam = new FusedAdam(reference, 1e-3);
        using var fusedAdam = new FusedAdam(fused, 1e-3);
        double expectedNorm = nn.utils.clip_grad_norm_(reference, 0.5);
        double norm = GradientClipping.Clip(fused, 0.5, fusedAdam);
        Assert.InRange(Math.Abs(norm - expectedNorm) / expectedNorm, 0, 1e-5);            // libtorch sums in float, this in double across chunks
        Assert.InRange(norm, gradientSize * 400, gradientSize * 500);
        if (gradientSize == 1f) Assert.InRange(fusedAdam.GradientScale, 1e-3f, 1.3e-3f);  // 0.5 / ‖g‖, kept for the step
        else Assert.Equal(1f, fusedAdam.GradientScale);
        referenceAdam.step();
        fusedAdam.step();
        Assert.Equal(1f, fusedAdam.GradientScale);                   // one step only
        // The coefficient may differ from libtorch's in its last bit (another summation order): parameters agree to an ulp.
        for (int i = 0; i < reference.Length; i++) Assert.InRange((reference[i] - fused[i]).abs().max().item<float>(), 0, 5e-7);
    }

    [Fact]
    public void OtherOptimizersGetTheGradientsClippedInPlaceAsLibtorchDoes()
    {
        var (reference, clipped) = Twins(1f);
        using var sgd = optim.SGD(clipped, 0.1);
        nn.utils.clip_grad_norm_(reference, 0.5);
        GradientClipping.Clip(clipped, 0.5, sgd);
        var total = sqrt(stack(clipped.Select(p => p.grad!.square().sum())).sum()).item<float>();
        Assert.Equal(0.5, total, 4);
        for (int i = 0; i < reference.Length; i++) Assert.InRange((reference[i].grad! - clipped[i].grad!).abs().max().item<float>(), 0, 1e-8);
    }
}
