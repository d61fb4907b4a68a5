using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace JoMA.Engine.Metrics;

/// <summary>
/// exp of eight floats at a time, to about 1 ulp: Cody–Waite range reduction x = n·ln2 + r and the degree-6
/// minimax polynomial of the Cephes library's expf, then 2ⁿ put in the exponent bits. Written here because the
/// runtime's Vector256.Exp(float) measured 2–3 ns per element on this machine, no faster than MathF.Exp, and the
/// softmax over a 28,782-word vocabulary takes 20 M of them per training step. Inputs below ln(2⁻¹²⁶) give 0
/// (never a denormal, which would slow every later multiply); the softmax only feeds it x ≤ 0.
/// </summary>
public static class FastExp
{
    const float Log2E = 1.44269504088896341f;
    const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    const float Lowest = -87.3365447505531f, Highest = 88.7228391116729f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Of(Vector256<float> x)
    {
        var tooSmall = Vector256.LessThan(x, Vector256.Create(Lowest));
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Lowest)), Vector256.Create(Highest));
        var n = Vector256.Floor(x * Log2E + Vector256.Create(0.5f));
        var r = x - n * Ln2High - n * Ln2Low;
        var p = Vector256.Create(1.9875691500e-4f);
        p = p * r + Vector256.Create(1.3981999507e-3f);
        p = p * r + Vector256.Create(8.3334519073e-3f);
        p = p * r + Vector256.Create(4.1665795894e-2f);
        p = p * r + Vector256.Create(1.6666665459e-1f);
        p = p * r + Vector256.Create(5.0000001201e-1f);
        var y = p * (r * r) + r + Vector256<float>.One;
        var twoToN = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(tooSmall, Vector256<float>.Zero, y * twoToN);
    }
}
