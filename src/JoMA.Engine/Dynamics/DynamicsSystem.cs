using System.Runtime.CompilerServices;
using JoMA.Engine.Metrics;

namespace JoMA.Engine.Dynamics;

/// <summary>
/// An autonomous, elementwise JoMA system dv/dt = f(v) over M components, with attention
/// p = softmax(s(v)) where each logit s_k depends on v_k alone.
/// Instances hold scratch buffers: one instance per thread.
/// </summary>
public abstract class DynamicsSystem
{
    readonly double[] logits, attention, gradient;

    protected DynamicsSystem(int dimension)
    {
        Dimension = dimension;
        logits = new double[dimension];
        attention = new double[dimension];
        gradient = new double[dimension];
    }

    public int Dimension { get; }
    public abstract DynamicsSystemKind Kind { get; }

    /// <summary>Writes f(v) into <paramref name="dv"/>.</summary>
    public abstract void Derivative(ReadOnlySpan<double> v, Span<double> dv);

    /// <summary>The attention logit of one component.</summary>
    protected abstract double Logit(double vk);

    /// <summary>d s_k / d v_k.</summary>
    protected abstract double LogitSlope(double vk);

    /// <summary>
    /// The exponent of the fastest-growing factor in f at v (e.g. v²/2 for exp(v²/2)), or −∞ for systems
    /// that cannot blow up. A blow-up is declared only where this is large.
    /// </summary>
    public virtual double GrowthExponent(ReadOnlySpan<double> v) => double.NegativeInfinity;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public void Attention(ReadOnlySpan<double> v, Span<double> p)
    {
        for (int k = 0; k < v.Length; k++) logits[k] = Logit(v[k]);
        AttentionEntropy.Softmax(logits, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public double Entropy(ReadOnlySpan<double> v)
    {
        Attention(v, attention);
        return AttentionEntropy.Of(attention);
    }

    /// <summary>dH/dt = Σ_k ∂H/∂s_k · s'_k(v_k) · f_k(v): the event function whose − to + crossing is an entropy minimum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public double EntropyRate(ReadOnlySpan<double> v, ReadOnlySpan<double> dv)
    {
        Attention(v, attention);
        AttentionEntropy.GradientWithRespectToLogits(attention, gradient);
        double rate = 0;
        for (int k = 0; k < v.Length; k++) rate += gradient[k] * LogitSlope(v[k]) * dv[k];
        return rate;
    }
}

/// <summary>dv/dt = (μ − v) ∘ softmax(v²/T).</summary>
public sealed class NonlinearSoftmaxSystem : DynamicsSystem
{
    readonly double[] mu, scratchLogits, scratchAttention;
    readonly double temperature;

    public NonlinearSoftmaxSystem(double[] mu, double temperature) : base(mu.Length)
    {
        this.mu = mu;
        this.temperature = temperature;
        scratchLogits = new double[mu.Length];
        scratchAttention = new double[mu.Length];
    }

    public override DynamicsSystemKind Kind => DynamicsSystemKind.NonlinearSoftmax;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public override void Derivative(ReadOnlySpan<double> v, Span<double> dv)
    {
        double inverseTemperature = 1 / temperature;
        for (int k = 0; k < v.Length; k++) scratchLogits[k] = v[k] * v[k] * inverseTemperature;
        AttentionEntropy.Softmax(scratchLogits, scratchAttention);
        for (int k = 0; k < v.Length; k++) dv[k] = (mu[k] - v[k]) * scratchAttention[k];
    }

    protected override double Logit(double vk) => vk * vk / temperature;
    protected override double LogitSlope(double vk) => 2 * vk / temperature;
}

/// <summary>dv/dt = (μ − v) ∘ exp(v²/2): unnormalised exp attention; salient components converge first.</summary>
public sealed class NonlinearExpSystem : DynamicsSystem
{
    readonly double[] mu;

    public NonlinearExpSystem(double[] mu) : base(mu.Length) => this.mu = mu;

    public override DynamicsSystemKind Kind => DynamicsSystemKind.NonlinearExp;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public override void Derivative(ReadOnlySpan<double> v, Span<double> dv)
    {
        for (int k = 0; k < v.Length; k++) dv[k] = (mu[k] - v[k]) * Math.Exp(v[k] * v[k] / 2);
    }

    protected override double Logit(double vk) => vk * vk / 2;
    protected override double LogitSlope(double vk) => vk;
    public override double GrowthExponent(ReadOnlySpan<double> v) => MaxHalfSquare(v);

    internal static double MaxHalfSquare(ReadOnlySpan<double> v)
    {
        double max = 0;
        foreach (var x in v) max = Math.Max(max, x * x / 2);
        return max;
    }
}

/// <summary>dv/dt = (1/A) Δ ∘ exp(v²/2) (Theorem 2, one hidden node): v_l(t) = √2·erfinv(√(2/π)·Δ_l t/A) from 0.</summary>
public sealed class LinearSystem : DynamicsSystem
{
    readonly double[] delta;
    readonly double a;

    public LinearSystem(double[] delta, double a) : base(delta.Length)
    {
        this.delta = delta;
        this.a = a;
    }

    public override DynamicsSystemKind Kind => DynamicsSystemKind.Linear;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public override void Derivative(ReadOnlySpan<double> v, Span<double> dv)
    {
        for (int k = 0; k < v.Length; k++) dv[k] = delta[k] / a * Math.Exp(v[k] * v[k] / 2);
    }

    protected override double Logit(double vk) => vk * vk / 2;
    protected override double LogitSlope(double vk) => vk;
    public override double GrowthExponent(ReadOnlySpan<double> v) => NonlinearExpSystem.MaxHalfSquare(v);
}
