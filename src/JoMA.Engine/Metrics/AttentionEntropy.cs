using System.Runtime.CompilerServices;
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
        double h = 0;
        foreach (var pk in p) h -= pk * Math.Log(pk + Epsilon);
        return h;
    }

    public static double Of(ReadOnlySpan<float> p)
    {
        double h = 0;
        foreach (var pk in p) h -= pk * Math.Log(pk + Epsilon);
        return h;
    }

    /// <summary>Numerically stable softmax of <paramref name="logits"/> into <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public static void Softmax(ReadOnlySpan<double> logits, Span<double> p)
    {
        double max = double.NegativeInfinity;
        foreach (var s in logits) if (s > max) max = s;
        logits.CopyTo(p);
        VectorMath.InPlace(p, max);
        double sum = 0;
        foreach (var x in p) sum += x;
        double inverse = 1 / sum;
        for (int k = 0; k < p.Length; k++) p[k] *= inverse;
    }

    /// <summary>
    /// ∂H/∂s for p = softmax(s): p_k (g_k − Σ_j p_j g_j), where g = ∂H/∂p = −ln(p + ε) − p/(p + ε).
    /// Used to find where the entropy stops falling (dH/dt = 0) along an ODE trajectory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public static void GradientWithRespectToLogits(ReadOnlySpan<double> p, Span<double> gradient)
    {
        double mean = 0;
        for (int k = 0; k < p.Length; k++)
        {
            gradient[k] = -Math.Log(p[k] + Epsilon) - p[k] / (p[k] + Epsilon);
            mean += p[k] * gradient[k];
        }
        for (int k = 0; k < p.Length; k++) gradient[k] = p[k] * (gradient[k] - mean);
    }
}
