using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using JoMA.Engine.Metrics;
using static JoMA.Engine.Metrics.VectorMath;

namespace JoMA.Engine.Dynamics;

/// <summary>
/// An autonomous, elementwise JoMA system dv/dt = f(v) over M components, with attention
/// p = softmax(c·v²) (every system here has logits c·v²: c = 1/T, or 1/2 for the exp systems).
/// States are spans of <see cref="Length"/>: M rounded up to whole vectors, the padding lanes zero. Padding
/// stays inert (attention and f are 0 there), so the solver never needs a scalar tail.
/// Instances hold scratch buffers: one instance per thread.
/// </summary>
public abstract class DynamicsSystem
{
    readonly double[] attention, gradient, logitSlope;
    /// <summary>1 on real lanes, 0 on padding. (A −∞ logit would do the same, but Vector256.Exp drops to scalar code on it.)</summary>
    readonly double[] mask;
    readonly double logitScale;

    protected DynamicsSystem(int dimension, double logitScale)
    {
        Dimension = dimension;
        Length = PaddedLength(dimension);
        this.logitScale = logitScale;
        attention = new double[Length];
        gradient = new double[Length];
        logitSlope = new double[Length];
        mask = new double[Length];
        mask.AsSpan(0, dimension).Fill(1);
    }

    public int Dimension { get; }
    /// <summary>The length of state spans: <see cref="Dimension"/> padded to whole vectors.</summary>
    public int Length { get; }
    public abstract DynamicsSystemKind Kind { get; }

    /// <summary>Writes f(v) into <paramref name="dv"/>.</summary>
    public abstract void Derivative(ReadOnlySpan<double> v, Span<double> dv);

    /// <summary>
    /// The exponent of the fastest-growing factor in f at v (e.g. v²/2 for exp(v²/2)), or −∞ for systems
    /// that cannot blow up. A blow-up is declared only where this is large.
    /// </summary>
    public virtual double GrowthExponent(ReadOnlySpan<double> v) => double.NegativeInfinity;

    /// <summary>p = softmax(c·v²), 0 on the padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public void Attention(ReadOnlySpan<double> v, Span<double> p)
    {
        var c = Vector256.Create(logitScale);
        var max = Vector256<double>.Zero; // logits are ≥ 0, so the padding's 0 never raises the maximum
        for (int k = 0; k < Length; k += 4)
        {
            var vk = Load(v, k);
            var logit = c * vk * vk;
            Store(logit, p, k);
            max = Vector256.Max(max, logit);
        }
        var shift = Vector256.Create(Math.Max(Math.Max(max[0], max[1]), Math.Max(max[2], max[3])));
        var sum = Vector256<double>.Zero;
        for (int k = 0; k < Length; k += 4)
        {
            var e = Vector256.Exp(Load(p, k) - shift) * Load(mask, k);
            Store(e, p, k);
            sum += e;
        }
        var inverse = Vector256.Create(1 / Vector256.Sum(sum));
        for (int k = 0; k < Length; k += 4) Store(Load(p, k) * inverse, p, k);
    }

    public double Entropy(ReadOnlySpan<double> v)
    {
        Attention(v, attention);
        return AttentionEntropy.Of(attention);
    }

    /// <summary>dH/dt = Σ_k ∂H/∂s_k · 2c·v_k · f_k(v): the event function whose − to + crossing is an entropy minimum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public double EntropyRate(ReadOnlySpan<double> v, ReadOnlySpan<double> dv)
    {
        Attention(v, attention);
        AttentionEntropy.GradientWithRespectToLogits(attention, gradient);
        var twoC = Vector256.Create(2 * logitScale);
        for (int k = 0; k < Length; k += 4) Store(twoC * Load(v, k), logitSlope, k);
        return Dot(gradient, logitSlope, dv);
    }

    /// <summary>dv = (targets − v) ∘ weights, the shape of both nonlinear systems.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void Pull(ReadOnlySpan<double> targets, ReadOnlySpan<double> v, ReadOnlySpan<double> weights, Span<double> dv)
    {
        for (int k = 0; k < Length; k += 4) Store((Load(targets, k) - Load(v, k)) * Load(weights, k), dv, k);
    }

    /// <summary>exp(v²/2) into <paramref name="result"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected void ExpHalfSquare(ReadOnlySpan<double> v, Span<double> result)
    {
        var half = Vector256.Create(0.5);
        for (int k = 0; k < Length; k += 4)
        {
            var vk = Load(v, k);
            Store(half * vk * vk, result, k);
        }
        Exp(result[..Length]);
    }

    protected static double MaxHalfSquare(ReadOnlySpan<double> v)
    {
        double max = 0;
        foreach (var x in v) max = Math.Max(max, x * x / 2);
        return max;
    }
}

/// <summary>dv/dt = (μ − v) ∘ softmax(v²/T).</summary>
public sealed class NonlinearSoftmaxSystem : DynamicsSystem
{
    readonly double[] mu, weights;

    public NonlinearSoftmaxSystem(double[] mu, double temperature) : base(mu.Length, 1 / temperature)
    {
        this.mu = Padded(mu);
        weights = new double[Length];
    }

    public override DynamicsSystemKind Kind => DynamicsSystemKind.NonlinearSoftmax;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public override void Derivative(ReadOnlySpan<double> v, Span<double> dv)
    {
        Attention(v, weights);
        Pull(mu, v, weights, dv);
    }
}

/// <summary>dv/dt = (μ − v) ∘ exp(v²/2): unnormalised exp attention; salient components converge first.</summary>
public sealed class NonlinearExpSystem : DynamicsSystem
{
    readonly double[] mu, weights;

    public NonlinearExpSystem(double[] mu) : base(mu.Length, 0.5)
    {
        this.mu = Padded(mu);
        weights = new double[Length];
    }

    public override DynamicsSystemKind Kind => DynamicsSystemKind.NonlinearExp;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public override void Derivative(ReadOnlySpan<double> v, Span<double> dv)
    {
        ExpHalfSquare(v, weights);
        Pull(mu, v, weights, dv);
    }

    public override double GrowthExponent(ReadOnlySpan<double> v) => MaxHalfSquare(v);
}

/// <summary>dv/dt = (1/A) Δ ∘ exp(v²/2) (Theorem 2, one hidden node): v_l(t) = √2·erfinv(√(2/π)·Δ_l t/A) from 0.</summary>
public sealed class LinearSystem : DynamicsSystem
{
    readonly double[] deltaOverA, weights;

    public LinearSystem(double[] delta, double a) : base(delta.Length, 0.5)
    {
        deltaOverA = Padded(delta.Select(d => d / a).ToArray());
        weights = new double[Length];
    }

    public override DynamicsSystemKind Kind => DynamicsSystemKind.Linear;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public override void Derivative(ReadOnlySpan<double> v, Span<double> dv)
    {
        ExpHalfSquare(v, weights);
        for (int k = 0; k < Length; k += 4) Store(Load(deltaOverA, k) * Load(weights, k), dv, k);
    }

    public override double GrowthExponent(ReadOnlySpan<double> v) => MaxHalfSquare(v);
}
