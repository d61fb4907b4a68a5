using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
namespace JoMA.Engine.Metrics;

/// <summary>
/// The paper's attention entropy and the softmax it is taken of (SCIENCE.md §1):
/// H(p) = −Σ_k p_k · ln(p_k + 1e−8), in nats.
/// </summary>
public static class AttentionEntropy
{
    /// <summary>The 1e−8 inside the logarithm, as in the authors' code.</summary>
    public const double Epsilon = 1e-8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public static double Of(ReadOnlySpan<double> p)
    {
        int k = 0;
        var sum = Vector256<double>.Zero;
        var epsilon = Vector256.Create(Epsilon);
        for (; k <= p.Length - 4; k += 4)
        {
            var pk = VectorMath.Load(p, k);
            sum -= pk * Vector256.Log(pk + epsilon);
        }
        double h = Vector256.Sum(sum);
        for (; k < p.Length; k++) h -= p[k] * Math.Log(p[k] + Epsilon);
        return NonNegative(h);
    }

    public static double Of(ReadOnlySpan<float> p)
    {
        double h = 0;
        foreach (var pk in p) h -= pk * Math.Log(pk + Epsilon);
        return NonNegative(h);
    }

    /// <summary>
    /// The ε inside the logarithm makes a one-hot row's entropy −ln(1 + ε) ≈ −1e−8; an entropy is never below 0,
    /// and never prints as −0 or −1e−8.
    /// </summary>
    public static double NonNegative(double h) => h > 0 ? h : 0.0;

    /// <summary>
    /// ∂H/∂s for p = softmax(s): p_k (g_k − Σ_j p_j g_j), where g = ∂H/∂p = −ln(p + ε) − p/(p + ε).
    /// Used to find where the entropy stops falling (dH/dt = 0) along an ODE trajectory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public static void GradientWithRespectToLogits(ReadOnlySpan<double> p, Span<double> gradient)
    {
        int k = 0;
        var epsilon = Vector256.Create(Epsilon);
        var meanSum = Vector256<double>.Zero;
        for (; k <= p.Length - 4; k += 4)
        {
            var pk = VectorMath.Load(p, k);
            var shifted = pk + epsilon;
            var g = -Vector256.Log(shifted) - pk / shifted;
            VectorMath.Store(g, gradient, k);
            meanSum += pk * g;
        }
        double mean = Vector256.Sum(meanSum);
        for (int j = k; j < p.Length; j++)
        {
            gradient[j] = -Math.Log(p[j] + Epsilon) - p[j] / (p[j] + Epsilon);
            mean += p[j] * gradient[j];
        }
        k = 0;
        var m = Vector256.Create(mean);
        for (; k <= p.Length - 4; k += 4) VectorMath.Store(VectorMath.Load(p, k) * (VectorMath.Load(gradient, k) - m), gradient, k);
        for (; k < p.Length; k++) gradient[k] = p[k] * (gradient[k] - mean);
    }
}
