using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using JoMA.Engine.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// The language model's last linear map, mean softmax cross-entropy, and their backward pass, with the
/// [N, V] logits touched once: after the GEMM, one row-by-row pass (each 115 KB row stays in L2 after its first
/// read) adds the bias, takes the log-sum-exp and the loss, overwrites the row with ∂loss/∂logits and sums the bias gradient; two
/// more GEMMs give ∂loss/∂W and ∂loss/∂hidden. Autograd's linear + cross_entropy makes about six full passes
/// over 80 MB tensors for the reference shapes (bias add, log_softmax, nll and their backward, bias grad):
/// about 50 ms of a 200 ms step on the CPU. libtorch has no fused kernel for this, so the pass is written here, a row at
/// a time (<see cref="SoftmaxCrossEntropyRow"/>).
/// The logits and the weight gradient live in buffers kept from step to step: a fresh 80 MB tensor is fresh pages
/// from the kernel, about 20,000 page faults and 25 ms a step here. CUDA and other dtypes keep autograd's path.
/// Gradients accumulate into the decoder's (and, tied, the embedding's) .grad exactly as loss.backward() would.
/// </summary>
public sealed class DecoderCrossEntropy : IDisposable
{
    Tensor? logits;          // [N, V]: logits, then ∂loss/∂logits in place
    Tensor? weightGradient;  // [V, d]: the last .grad this made, reused once the trainer has set .grad to none
    // The row pass's per-worker column sums [workers][V] and zero bias [V], kept: fresh 115 KB arrays each step are
    // large-object-heap allocations, which brought a gen-2 collection every few steps.
    float[][] columnSums = [];
    float[] zeroBias = [];

    /// <summary>
    /// Mean cross-entropy of <paramref name="hidden"/>·Wᵀ + b against <paramref name="targets"/>, backpropagated
    /// through the decoder and then through <paramref name="hidden"/>'s graph.
    /// </summary>
    /// <param name="hidden">[N, d], part of the autograd graph</param>
    /// <param name="targets">[N] class ids (int64)</param>
    /// <returns>the loss (mean over N)</returns>
    public double Backward(Tensor hidden, Linear decoder, Tensor targets)
    {
        var weight = decoder.weight!;
        var bias = decoder.bias;
        if (!Fusable(hidden, weight, bias))
        {
            var loss = nn.functional.cross_entropy(decoder.forward(hidden), targets);
            loss.backward();
            return loss.item<float>();
        }
        using var scope = NewDisposeScope();
        var x = hidden.detach().contiguous();                                   // [N, d]
        var w = weight.detach();                                                // [V, d]
        var gradients = Buffer(ref logits, x.shape[0], w.shape[0]).addmm_(x, w.t(), beta: 0, alpha: 1);
        var ids = targets.to(ScalarType.Int64).contiguous().data<long>().ToArray();
        double lossSum = LogitPass(gradients, bias, ids);
        using (no_grad())
        {
            if (weight.grad is { } existing) existing.addmm_(gradients.t(), x, beta: 1, alpha: 1);
            else weight.grad = Buffer(ref weightGradient, w.shape[0], w.shape[1]).addmm_(gradients.t(), x, beta: 0, alpha: 1);
            if (bias is not null) Accumulate(bias, BiasGradient(gradients.shape[1]));
        }
        hidden.backward(new[] { gradients.matmul(w) });                         // [N, d]
        return lossSum / ids.Length;
    }

    /// <summary>The kept [rows, columns] float32 CPU buffer, made anew (outside any dispose scope) when its shape changed.</summary>
    static Tensor Buffer(ref Tensor? kept, long rows, long columns)
    {
        if (kept is null || kept.shape[0] != rows || kept.shape[1] != columns)
        {
            kept?.Dispose();
            kept = empty(new[] { rows, columns }, ScalarType.Float32).DetachFromDisposeScope();
        }
        return kept;
    }

    public void Dispose()
    {
        logits?.Dispose();
        weightGradient?.Dispose();
        logits = weightGradient = null;
    }

    static bool Fusable(Tensor hidden, Tensor weight, Tensor? bias) =>
        TensorMemory.Available && hidden.device_type == DeviceType.CPU && hidden.dtype == ScalarType.Float32 && hidden.dim() == 2 &&
        weight.dtype == ScalarType.Float32 && (bias is null || TensorMemory.CanView(bias)) &&
        hidden.shape[0] * weight.shape[0] <= int.MaxValue; // the logits are viewed as one span

    /// <summary>
    /// Adds to an existing .grad, or (after set-to-none) makes <paramref name="gradient"/>, a fresh tensor, the .grad:
    /// libtorch keeps its own reference, so the scope may dispose this wrapper.
    /// </summary>
    static void Accumulate(Parameter parameter, Tensor gradient)
    {
        if (parameter.grad is { } existing) existing.add_(gradient);
        else parameter.grad = gradient;
    }

    /// <summary>
    /// Rows in parallel: z = logits + b; loss_i = logsumexp(z) − z[target]; row ← (softmax(z) − onehot(target)) / N;
    /// each worker sums its rows into its own column sums. Returns Σ_i loss_i. Workers' partial losses are added in worker
    /// order, so the sum does not depend on which finished first.
    /// </summary>
    double LogitPass(Tensor logits, Tensor? bias, long[] targets)
    {
        int rows = (int)logits.shape[0], columns = (int)logits.shape[1];
        foreach (var t in targets)
            if (t < 0 || t >= columns) throw JomaException.Argument("TargetOutOfRange", $"A target id ({t}) is outside the vocabulary of {columns}.");
        int workers = TorchThreads.WorkersFor(rows);
        if (columnSums.Length != workers || columnSums[0].Length != columns)
            columnSums = Enumerable.Range(0, workers).Select(_ => new float[columns]).ToArray();
        if (bias is null && zeroBias.Length != columns) zeroBias = new float[columns];
        float inverseRows = 1f / rows;
        var partialLoss = new double[workers];
        TorchThreads.Run(workers, worker =>
        {
            var all = TensorMemory.Floats(logits);
            ReadOnlySpan<float> biasValues = bias is null ? zeroBias : TensorMemory.Floats(bias);
            var mine = columnSums[worker];
            Array.Clear(mine);
            for (int i = worker; i < rows; i += workers)
            {
                var upcoming = i + workers < rows ? all.Slice((i + workers) * columns, columns) : default;
                partialLoss[worker] += SoftmaxCrossEntropyRow.Backward(all.Slice(i * columns, columns), biasValues, (int)targets[i], inverseRows, mine, upcoming);
            }
        });
        return partialLoss.Sum();
    }

    /// <summary>The bias gradient [V]: the workers' column sums added in worker order, into a fresh tensor (it becomes the .grad).</summary>
    Tensor BiasGradient(long columns)
    {
        var gradient = empty(columns, ScalarType.Float32);
        var values = TensorMemory.Floats(gradient);
        columnSums[0].CopyTo(values);
        foreach (var sums in columnSums.Skip(1)) TensorPrimitives.Add(values, sums, values);
        return gradient;
    }
}
