using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using JoMA.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// nn.Dropout (zero each element with probability p, scale the rest by 1/(1−p); identity in eval mode) whose CPU mask
/// comes from a counter-based generator: element pair k of a call draws SplitMix64(seed + k·γ), and the call's seed is one
/// draw from libtorch's generator. libtorch's CPU bernoulli_ draws every element one after another from its Mersenne
/// Twister: 6 of the 8 ms of the reference model's one-layer forward pass on this machine. Drawing the seed from
/// libtorch keeps dropout reproducible from torch.manual_seed and resumable from a checkpointed generator state, and
/// a counter-based mask does not depend on how many threads fill it. Other devices and dtypes use libtorch's dropout.
/// </summary>
public sealed class CounterDropout : nn.Module<Tensor, Tensor>
{
    const ulong Gamma = 0x9E3779B97F4A7C15;   // SplitMix64's increment, 2⁶⁴/φ

    readonly double probability;

    public CounterDropout(double probability) : base(nameof(CounterDropout))
    {
        if (!(probability >= 0 && probability < 1)) throw JomaException.Argument("DropoutInvalid", $"Dropout must be in [0, 1) (got {probability}).");
        this.probability = probability;
    }

    public override Tensor forward(Tensor x)
    {
        if (!training || probability == 0) return x;
        if (x.device_type != DeviceType.CPU || x.dtype != ScalarType.Float32 || !TensorMemory.Available || x.numel() > int.MaxValue)
            return nn.functional.dropout(x, probability, training: true);
        using var draw = randint(long.MaxValue, new long[] { 1 }, ScalarType.Int64);
        ulong seed = (ulong)draw.item<long>();
        var mask = empty(x.shape, ScalarType.Float32);                                   // x's shape: 0 or 1/(1−p)
        Fill(mask, seed, probability);
        return x * mask;
    }

    /// <summary>The mask of one call: a pure function of seed, p and the element index.</summary>
    public static void Fill(Tensor mask, ulong seed, double probability)
    {
        // An element is dropped when its 32-bit draw is below p·2³², so P(drop) = p to within 2⁻³².
        uint threshold = (uint)Math.Min(uint.MaxValue, Math.Round(probability * 4294967296.0));
        uint kept = BitConverter.SingleToUInt32Bits((float)(1 / (1 - probability)));
        int length = (int)mask.numel(), pairs = (length + 1) / 2;
        TorchThreads.ForChunks(pairs, (first, count) =>
        {
            var values = MemoryMarshal.Cast<float, uint>(TensorMemory.Floats(mask));
            int k = first, end = first + count;
            if (Avx512DQ.VL.IsSupported) k = FillVectors(values, k, end, seed, threshold, kept);
            for (; k < end; k++)
            {
                ulong draw = SplitMix64(seed + (ulong)k * Gamma);
                values[2 * k] = Keep((uint)draw, threshold, kept);
                if (2 * k + 1 < length) values[2 * k + 1] = Keep((uint)(draw >> 32), threshold, kept);
            }
        });
    }

    /// <summary>
    /// Pairs [k, end) four at a time, as the scalar loop computes them (the 64-bit multiplies need AVX-512DQ); the two
    /// 32-bit halves of each draw land on elements 2k and 2k+1 in order. Returns where the scalar loop takes over.
    /// </summary>
    static int FillVectors(Span<uint> values, int k, int end, ulong seed, uint threshold, uint kept)
    {
        var z = Vector256.Create(seed) + Vector256.Create(0UL, 1, 2, 3) * Gamma + Vector256.Create((ulong)k) * Gamma;
        var step = Vector256.Create(unchecked(4 * Gamma));
        var bar = Vector256.Create(threshold);
        var keptBits = Vector256.Create(kept);
        for (; k + 4 <= end && 2 * k + 8 <= values.Length; k += 4, z += step)
        {
            var x = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9;
            x = (x ^ (x >>> 27)) * 0x94D049BB133111EB;
            var draws = (x ^ (x >>> 31)).AsUInt32();
            (Vector256.GreaterThanOrEqual(draws, bar) & keptBits).CopyTo(values.Slice(2 * k, 8));
        }
        return k;
    }

    /// <summary>The bits of 1/(1−p) or of 0, without a branch (a fifth of them would be mispredicted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Keep(uint draw, uint threshold, uint kept) => kept & (0u - (draw >= threshold ? 1u : 0u));

    /// <summary>SplitMix64's output function (Steele, Lea &amp; Flood 2014), a 64-bit mix that passes BigCrush on a Weyl sequence.</summary>
    static ulong SplitMix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
