using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using JoMA.Engine.Metrics;
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
/// about 50 ms of a 200 ms step on the CPU. libtorch has no fused kernel for this, so the pass is written here.
/// CUDA and other dtypes keep autograd's path. Gradients accumulate into the decoder's (and, tied, the
/// embedding's) .grad exactly as loss.backward() would.
/// </summary>
public static class DecoderCrossEntropy
{
    /// <summary>
    /// Mean cross-entropy of <paramref name="hidden"/>·Wᵀ + b against <paramref name="targets"/>, backpropagated
    /// through the decoder and then through <paramref name="hidden"/>'s graph.
    /// </summary>
    /// <param name="hidden">[N, d], part of the autograd graph</param>
    /// <param name="targets">[N] class ids (int64)</param>
    /// <returns>the loss (mean over N)</returns>
    public static double Backward(Tensor hidden, Linear decoder, Tensor targets)
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
        var gradients = x.matmul(w.t());                                        // [N, V]: logits, then ∂loss/∂logits in place
        var ids = targets.to(ScalarType.Int64).contiguous().data<long>().ToArray();
        var biasGradient = new float[gradients.shape[1]];
        double lossSum = LogitPass(gradients, bias, ids, biasGradient);
        Accumulate(weight, gradients.t().matmul(x));                            // [V, d]
        if (bias is not null) Accumulate(bias, tensor(biasGradient));          // [V]
        hidden.backward(new[] { gradients.matmul(w) });                         // [N, d]
        return lossSum / ids.Length;
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
        using var noGrad = no_grad();
        if (parameter.grad is { } existing) existing.add_(gradient);
        else parameter.grad = gradient;
    }

    /// <summary>
    /// Rows in parallel: z = logits + b; loss_i = logsumexp(z) − z[target]; row ← (softmax(z) − onehot(target)) / N;
    /// column sums of the new rows into <paramref name="biasGradient"/>. Returns Σ_i loss_i.
    /// </summary>
    static double LogitPass(Tensor logits, Tensor? bias, long[] targets, float[] biasGradient)
    {
        int rows = (int)logits.shape[0], columns = (int)logits.shape[1];
        foreach (var t in targets)
            if (t < 0 || t >= columns) throw JomaException.Argument("TargetOutOfRange", $"A target id ({t}) is outside the vocabulary of {columns}.");
        float[] biasValues = bias is null ? new float[columns] : TensorMemory.Floats(bias).ToArray();
        float inverseRows = 1f / rows;
        double lossSum = 0;
        var gate = new object();
        int workers = Math.Max(1, Math.Min(get_num_threads(), rows));
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            var columnSums = new float[columns];
            double partialLoss = 0;
            var all = TensorMemory.Floats(logits);
            for (int i = worker; i < rows; i += workers)
                partialLoss += Row(all.Slice(i * columns, columns), biasValues, (int)targets[i], inverseRows, columnSums);
            lock (gate)
            {
                lossSum += partialLoss;
                for (int j = 0; j < columns; j++) biasGradient[j] += columnSums[j];
            }
        });
        return lossSum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double Row(Span<float> row, ReadOnlySpan<float> bias, int target, float inverseRows, Span<float> columnSums)
    {
        int n = row.Length, j;
        ref float z = ref MemoryMarshal.GetReference(row);
        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float sums = ref MemoryMarshal.GetReference(columnSums);
        // Pass 1, reading only (the row comes from memory once): max of z = logits + b.
        var maxVector = Vector256.Create(float.NegativeInfinity);
        for (j = 0; j <= n - 8; j += 8)
            maxVector = Vector256.Max(maxVector, Vector256.LoadUnsafe(ref z, (nuint)j) + Vector256.LoadUnsafe(ref b, (nuint)j));
        float max = float.NegativeInfinity;
        for (int k = 0; k < 8; k++) max = MathF.Max(max, maxVector[k]);
        for (; j < n; j++) max = MathF.Max(max, row[j] + bias[j]);
        float targetLogit = row[target] + bias[target];

        // Pass 2, on the row now in cache: e = exp(z − max) (kept) and Σe.
        var shift = Vector256.Create(max);
        var sumVector = Vector256<float>.Zero;
        for (j = 0; j <= n - 8; j += 8)
        {
            var e = FastExp.Of(Vector256.LoadUnsafe(ref z, (nuint)j) + Vector256.LoadUnsafe(ref b, (nuint)j) - shift);
            e.StoreUnsafe(ref z, (nuint)j);
            sumVector += e;
        }
        double sum = Vector256.Sum(sumVector);
        for (; j < n; j++) { row[j] = MathF.Exp(row[j] + bias[j] - max); sum += row[j]; }

        // Pass 3: ∂loss/∂z = (e/Σe − onehot)/N, and the bias gradient's column sums.
        float factor = (float)(1 / sum) * inverseRows;
        var scale = Vector256.Create(factor);
        for (j = 0; j <= n - 8; j += 8)
        {
            var g = Vector256.LoadUnsafe(ref z, (nuint)j) * scale;
            g.StoreUnsafe(ref z, (nuint)j);
            (Vector256.LoadUnsafe(ref sums, (nuint)j) + g).StoreUnsafe(ref sums, (nuint)j);
        }
        for (; j < n; j++) { row[j] *= factor; columnSums[j] += row[j]; }
        row[target] -= inverseRows;
        columnSums[target] -= inverseRows;
        return Math.Log(sum) + max - targetLogit;
    }
}
