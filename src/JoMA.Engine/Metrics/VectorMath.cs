using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace JoMA.Engine.Metrics;

/// <summary>
/// Span kernels four doubles at a time (Vector256, with the runtime's vectorised Exp and Log, .NET 9+): the JoMA
/// right-hand sides are exp-bound and small (M ≈ 10), so the ODE solver keeps its state in arrays padded to
/// whole vectors (<see cref="PaddedLength"/>) and runs without scalar tails. Kernels still take any length.
/// </summary>
public static class VectorMath
{
    public static int Lanes => Vector256<double>.Count;

    /// <summary><paramref name="length"/> rounded up to whole vectors.</summary>
    public static int PaddedLength(int length) => (length + Lanes - 1) / Lanes * Lanes;

    /// <summary>A zero-padded copy of <paramref name="values"/> of <see cref="PaddedLength"/>.</summary>
    public static double[] Padded(ReadOnlySpan<double> values)
    {
        var padded = new double[PaddedLength(values.Length)];
        values.CopyTo(padded);
        return padded;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(ReadOnlySpan<double> values, int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<double> vector, Span<double> values, int i) =>
        vector.StoreUnsafe(ref MemoryMarshal.GetReference(values), (nuint)i);


    /// <summary>values ← exp(values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Exp(Span<double> values)
    {
        int i = 0;
        for (; i <= values.Length - 4; i += 4) Store(Vector256.Exp(Load(values, i)), values, i);
        for (; i < values.Length; i++) values[i] = Math.Exp(values[i]);
    }

    /// <summary>Σ a·b·c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        int i = 0;
        var s = Vector256<double>.Zero;
        for (; i <= a.Length - 4; i += 4) s += Load(a, i) * Load(b, i) * Load(c, i);
        double sum = Vector256.Sum(s);
        for (; i < a.Length; i++) sum += a[i] * b[i] * c[i];
        return sum;
    }

}
