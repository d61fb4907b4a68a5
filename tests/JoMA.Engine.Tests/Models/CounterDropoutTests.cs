using JoMA.Engine.Models;
using JoMA.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Models;

public class CounterDropoutTests
{
    public CounterDropoutTests() => NativeLibraries.EnsureLoaded();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Tensor Mask(ulong seed, double p, long length = 1_000_001)
    {
        var mask = empty(length);
        CounterDropout.Fill(mask, seed, p);
        return mask;
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void DropsAFractionPAndScalesTheRestByOneOverOneMinusP(double p)
    {
        var mask = Mask(12345, p);
        float kept = (float)(1 / (1 - p));
        var isKept = mask.eq(kept);
        Assert.Equal(mask.numel(), (isKept | mask.eq(0)).sum().item<long>());   // only 0 and 1/(1−p)
        double dropped = 1 - isKept.to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(dropped, p - 0.002, p + 0.002);                             // 1e6 draws: σ ≤ 0.0005
        Assert.InRange(mask.to(ScalarType.Float64).mean().item<double>(), 0.995, 1.005); // unbiased: E[mask] = 1
    }

    [Fact]
    public void EqualsSplitMix64sReferenceSequence()
    {
        // The reference generator (Vigna's splitmix64.c): x += γ, then the mix; its i-th output (from 0) drives elements
        // 2i (low half) and 2i+1 (high half). Seeded one γ back, it starts at the mask's first counter.
        const ulong gamma = 0x9E3779B97F4A7C15;
        ulong seed = 0xDEADBEEF12345678, state = unchecked(seed - gamma);
        var mask = Mask(seed, 0.3, 2051).data<float>().ToArray();   // vectors of 8 and a scalar tail
        uint threshold = (uint)Math.Round(0.3 * 4294967296.0);
        for (int i = 0; 2 * i < mask.Length; i++)
        {
            ulong z = unchecked(state += gamma);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EB);
            z ^= z >> 31;
            Assert.Equal((uint)z < threshold ? 0f : (float)(1 / 0.7), mask[2 * i]);
            if (2 * i + 1 < mask.Length) Assert.Equal((uint)(z >> 32) < threshold ? 0f : (float)(1 / 0.7), mask[2 * i + 1]);
        }
    }

    [Fact]
    public void NeighbouringDrawsAreUncorrelated()
    {
        // Elements 2k and 2k+1 share one 64-bit draw (its two halves), 2k+1 and 2k+2 come from consecutive counters.
        var keep = Mask(99, 0.5).gt(0).to(ScalarType.Float64);
        var centred = keep - keep.mean();
        foreach (int lag in new[] { 1, 2, 3, 64 })
        {
            var a = centred[..^lag];
            var b = centred[lag..];
            double correlation = ((a * b).mean() / centred.square().mean()).item<double>();
            Assert.InRange(correlation, -0.005, 0.005);
        }
    }

    [Fact]
    public void TheMaskIsAFunctionOfTheSeed()
    {
        Assert.True(Same(Mask(7, 0.2), Mask(7, 0.2)));
        Assert.False(Same(Mask(7, 0.2), Mask(8, 0.2)));
        // An element's draw does not depend on the length (or on how the work was split among threads).
        Assert.True(Same(Mask(7, 0.2, 1_000_001)[..1001], Mask(7, 0.2, 1001)));
    }

    [Fact]
    public void ReproducibleFromTorchManualSeedAndIdentityInEvaluation()
    {
        var dropout = new CounterDropout(0.2);
        var x = randn(35, 20, 200);
        manual_seed(3);
        var first = dropout.forward(x);
        var second = dropout.forward(x);
        manual_seed(3);
        Assert.True(Same(first, dropout.forward(x)));    // same generator state, same mask
        Assert.False(Same(first, second));               // each call draws a new seed
        Assert.True(first.eq(0).logical_or(first.isclose(x * 1.25f)).all().item<bool>());
        dropout.eval();
        Assert.True(Same(dropout.forward(x), x));
    }

    [Fact]
    public void TheGradientIsTheMask()
    {
        var dropout = new CounterDropout(0.3);
        var x = randn(1000).requires_grad_();
        var y = dropout.forward(x);
        y.sum().backward();
        var mask = where(y.detach().eq(0), 0f, (float)(1 / 0.7));
        Assert.True(Same(x.grad!, mask));                                 // ∂y/∂x = 0 where dropped, 1/(1−p) where kept
        Assert.InRange(x.grad!.eq(0).to(ScalarType.Float64).mean().item<double>(), 0.2, 0.4);
    }

    [Fact]
    public void RejectsAProbabilityOutsideZeroToOne()
    {
        Assert.Equal("DropoutInvalid", Assert.Throws<JomaException>(() => new CounterDropout(1.0)).ErrorId);
    }
}
