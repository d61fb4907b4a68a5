using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace JoMA.Engine.Training;

/// <summary>
/// Softmax cross-entropy of one row of logits and its gradient, in place: z = logits + b; loss = logsumexp(z) − z[target];
/// row ← (softmax(z) − onehot(target)) / N, whose sum is added to the bias gradient. Two implementations that agree to
/// float rounding: three passes with AVX-512 and a hand-written exp where the CPU has it, seven TensorPrimitives
/// passes elsewhere. Why by hand: TensorPrimitives.Exp costs 2 cycles an element here (it widens to double for
/// accuracy), which made exp 45 % of the reference model's loss pass over 700 × 28,782 logits (15 ms of a 140 ms
/// step); the pass below took 10 ms, 8.5 ms once it prefetched the next row. No library offers a fused softmax-cross-entropy row on spans.
/// </summary>
internal static unsafe class SoftmaxCrossEntropyRow
{
    /// <summary>True where the AVX-512 pass runs.</summary>
    public static bool Vectorised => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <param name="upcoming">the row the caller passes next (empty if none): the AVX-512 pass prefetches it, never changes it</param>
    /// <returns>this row's loss, logsumexp(z) − z[target]</returns>
    public static double Backward(Span<float> row, ReadOnlySpan<float> bias, int target, float inverseRows, Span<float> columnSums, ReadOnlySpan<float> upcoming) =>
        Vectorised ? BackwardAvx512(row, bias, target, inverseRows, columnSums, upcoming) : BackwardPortable(row, bias, target, inverseRows, columnSums, upcoming);

    /// <summary>Seven vectorised passes over the row (115 KB for the reference vocabulary, so in L2 after the first).</summary>
    internal static double BackwardPortable(Span<float> row, ReadOnlySpan<float> bias, int target, float inverseRows, Span<float> columnSums, ReadOnlySpan<float> upcoming)
    {
        TensorPrimitives.Add(row, bias, row);                                   // z = logits + b
        float max = TensorPrimitives.Max(row), targetLogit = row[target];
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);                                         // e = exp(z − max)
        double sum = TensorPrimitives.Sum(row);
        TensorPrimitives.Multiply(row, (float)(1 / sum) * inverseRows, row);    // ∂loss/∂z = (e/Σe − onehot)/N
        row[target] -= inverseRows;
        TensorPrimitives.Add(columnSums, row, columnSums);
        return Math.Log(sum) + max - targetLogit;
    }

    /// <summary>
    /// Three passes, sixteen floats at a time: z = logits + b and its maximum; e = exp(z − max) and Σe; the gradient and
    /// the column sums. A NaN or +∞ among the logits makes Σe, and so the loss, NaN (the trainer stops on it).
    /// The exp pass, compute-bound on a row already in L2, also prefetches the upcoming row into L2 a cache line per
    /// iteration, so that row's first pass does not wait on memory: 10.8 → 8.5 ms for the reference model's 700 rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static double BackwardAvx512(Span<float> row, ReadOnlySpan<float> bias, int target, float inverseRows, Span<float> columnSums, ReadOnlySpan<float> upcoming)
    {
        int n = row.Length, whole = n - n % Vector512<float>.Count;
        ref float z = ref MemoryMarshal.GetReference(row);
        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float sums = ref MemoryMarshal.GetReference(columnSums);

        var maxima = Vector512.Create(float.NegativeInfinity);
        for (int i = 0; i < whole; i += Vector512<float>.Count)
        {
            var zi = Vector512.LoadUnsafe(ref z, (nuint)i) + Vector512.LoadUnsafe(ref b, (nuint)i);
            zi.StoreUnsafe(ref z, (nuint)i);
            maxima = Vector512.MaxNative(maxima, zi);   // vmaxps: may drop a NaN, which exp then brings back
        }
        float max = maxima[0];
        for (int l = 1; l < Vector512<float>.Count; l++) max = MathF.Max(max, maxima[l]);
        for (int i = whole; i < n; i++) { row[i] += bias[i]; max = MathF.Max(max, row[i]); }
        float targetLogit = row[target];

        var shift = Vector512.Create(max);
        var exponentials = Vector512<float>.Zero;
        // Without an upcoming row of this length the hint touches this row, already in cache: one loop, no branch.
        ref float ahead = ref MemoryMarshal.GetReference(upcoming.Length >= whole ? upcoming : row);
        for (int i = 0; i < whole; i += Vector512<float>.Count)
        {
            Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref ahead, i)));   // 16 floats: one 64-byte line
            var e = Exp(Vector512.LoadUnsafe(ref z, (nuint)i) - shift);
            e.StoreUnsafe(ref z, (nuint)i);
            exponentials += e;
        }
        double sum = Vector512.Sum(exponentials);
        for (int i = whole; i < n; i++) { row[i] = MathF.Exp(row[i] - max); sum += row[i]; }

        float scale = (float)(1 / sum) * inverseRows;
        var scales = Vector512.Create(scale);
        for (int i = 0; i < whole; i += Vector512<float>.Count)
        {
            var gradient = Vector512.LoadUnsafe(ref z, (nuint)i) * scales;
            gradient.StoreUnsafe(ref z, (nuint)i);
            (Vector512.LoadUnsafe(ref sums, (nuint)i) + gradient).StoreUnsafe(ref sums, (nuint)i);
        }
        for (int i = whole; i < n; i++) { row[i] *= scale; columnSums[i] += row[i]; }
        row[target] -= inverseRows;
        columnSums[target] -= inverseRows;
        return Math.Log(sum) + max - targetLogit;
    }

    const float Log2E = 1.44269504088896341f;
    const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;    // ln 2 split so that n·Ln2High is exact
    const float Lowest = -87.3365447505531f;                         // ln(2⁻¹²⁶): below it, 0 rather than a denormal

    /// <summary>
    /// exp of sixteen floats, x ≤ 0, to about 1 ulp: x = n·ln 2 + r (Cody–Waite), exp(r) ≈ 1 + r + r²·P(r) with the
    /// degree-5 minimax P of the Cephes library's expf, then 2ⁿ by vscalefps. Below ln(2⁻¹²⁶) it gives 0, so no
    /// denormal reaches the GEMMs that read the gradient (each would cost a microcode assist).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        var tooSmall = Vector512.LessThan(x, Vector512.Create(Lowest));
        var n = Avx512F.RoundScale(x * Log2E, 0);                      // round to nearest
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        var y = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        return Vector512.ConditionalSelect(tooSmall, Vector512<float>.Zero, Avx512F.Scale(y, n));
    }
}
