using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using JoMA.Engine.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// torch.optim.Adam with the update of each CPU float32 parameter fused into one pass over its memory, as
/// PyTorch's own Adam(fused=True) does on CPU. TorchSharp's Adam issues eight tensor operations per parameter
/// (each a full pass over 23 MB for the reference model's embedding and decoder: 39 ms of a 219 ms step), and
/// TorchSharp does not bind libtorch's fused kernel, so the pass is written here. State, options, checkpoints
/// (save_py/load_py) and every other device or dtype are TorchSharp's Adam unchanged: those fall back to it.
/// </summary>
public sealed class FusedAdam : Adam
{
    /// <summary>Betas (0.9, 0.999) and ε 1e−8: PyTorch's and TorchSharp's defaults, as the authors use them.</summary>
    public FusedAdam(IEnumerable<Parameter> parameters, double lr, double weightDecay = 0)
        : base(parameters, lr, weight_decay: weightDecay) { }

    /// <summary>
    /// A factor the next step multiplies every gradient by before using it, then back to 1: gradient clipping's
    /// coefficient (<see cref="GradientClipping"/>), applied inside the update's one pass instead of in a pass of its own.
    /// </summary>
    public float GradientScale { get; set; } = 1;

    public override Tensor step(Func<Tensor>? closure = null)
    {
        float scale = GradientScale;
        GradientScale = 1;
        if (!CanFuse())
        {
            if (scale != 1)
                using (no_grad())
                    foreach (var param in _parameter_groups.SelectMany(g => g.Parameters)) param.grad?.mul_(scale);
            return base.step(closure!);
        }
        return _step<ParamGroup>(group =>
        {
            var options = (Options)group.Options;
            double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, eps = options.eps!.Value;
            double weightDecay = options.weight_decay!.Value, lr = options.LearningRate!.Value;
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                state.step += 1;
                double biasCorrection1 = 1 - Math.Pow(beta1, state.step);
                double biasCorrection2 = 1 - Math.Pow(beta2, state.step);
                var update = new Update(scale, (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
                    (float)(1 / Math.Sqrt(biasCorrection2)), (float)eps, (float)weightDecay, (float)(-lr / biasCorrection1));
                Apply(update, param, grad, state.exp_avg, state.exp_avg_sq);
            }
        }, closure);
    }

    /// <summary>Every parameter (and its gradient and moments) contiguous float32 on the CPU, and plain Adam.</summary>
    bool CanFuse()
    {
        foreach (var group in _parameter_groups)
        {
            var options = (Options)group.Options;
            if (options.amsgrad == true || options.maximize == true) return false;
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null) continue;
                var state = (State)_state[param.Handle];
                if (!new[] { param, grad, state.exp_avg, state.exp_avg_sq }.All(TensorMemory.CanView)) return false;
            }
        }
        return true;
    }

    /// <summary>The per-step constants, in float as libtorch applies scalars to float32 tensors.</summary>
    readonly record struct Update(float GradientScale, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float InverseSqrtBiasCorrection2,
        float Epsilon, float WeightDecay, float NegativeStepSize);

    static void Apply(Update u, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq)
    {
        TorchThreads.ForChunks(param.numel(), (start, count) => Chunk(u, param, grad, expAvg, expAvgSq, start, count));
    }

    /// <summary>
    /// One pass: g ← scale·grad + wd·p; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − (lr/bc1)·m / (√v/√bc2 + ε).
    /// Never inlined: once dynamic PGO had recompiled the calling lambda with this loop inlined (after about 60 steps),
    /// the pass ran 2.5–3× slower for the rest of the run (25 ms instead of 9 ms a step on the reference model).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static void Chunk(Update u, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, int start, int count)
    {
        var p = TensorMemory.Floats(param).Slice(start, count);
        var g = TensorMemory.Floats(grad).Slice(start, count);
        var m = TensorMemory.Floats(expAvg).Slice(start, count);
        var v = TensorMemory.Floats(expAvgSq).Slice(start, count);
        int i = 0;
        var beta1 = Vector256.Create(u.Beta1); var oneMinusBeta1 = Vector256.Create(u.OneMinusBeta1);
        var beta2 = Vector256.Create(u.Beta2); var oneMinusBeta2 = Vector256.Create(u.OneMinusBeta2);
        var inverseSqrt = Vector256.Create(u.InverseSqrtBiasCorrection2); var epsilon = Vector256.Create(u.Epsilon);
        var decay = Vector256.Create(u.WeightDecay); var stepSize = Vector256.Create(u.NegativeStepSize); var scale = Vector256.Create(u.GradientScale);
        for (; i <= count - 8; i += 8)
        {
            var pi = Vector256.Create((ReadOnlySpan<float>)p.Slice(i, 8));
            var gi = Vector256.Create((ReadOnlySpan<float>)g.Slice(i, 8)) * scale + decay * pi;
            var mi = Vector256.Create((ReadOnlySpan<float>)m.Slice(i, 8)) * beta1 + oneMinusBeta1 * gi;
            var vi = Vector256.Create((ReadOnlySpan<float>)v.Slice(i, 8)) * beta2 + oneMinusBeta2 * gi * gi;
            var denominator = Vector256.Sqrt(vi) * inverseSqrt + epsilon;
            mi.CopyTo(m.Slice(i, 8));
            vi.CopyTo(v.Slice(i, 8));
            (pi + stepSize * (mi / denominator)).CopyTo(p.Slice(i, 8));
        }
        for (; i < count; i++)
        {
            float gi = g[i] * u.GradientScale + u.WeightDecay * p[i];
            float mi = m[i] * u.Beta1 + u.OneMinusBeta1 * gi;
            float vi = v[i] * u.Beta2 + u.OneMinusBeta2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] += u.NegativeStepSize * (mi / (MathF.Sqrt(vi) * u.InverseSqrtBiasCorrection2 + u.Epsilon));
        }
    }
}
