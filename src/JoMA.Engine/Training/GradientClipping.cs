using JoMA.Engine.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace JoMA.Engine.Training;

/// <summary>
/// torch.nn.utils.clip_grad_norm_ (2-norm): gradients scaled by min(1, max_norm / (‖g‖ + 1e−6)). Two things differ from
/// libtorch's, both for speed on the CPU: the squared norm of CPU float32 gradients is one parallel pass over them all
/// (partial sums in double), not a reduction kernel per parameter; and when the optimizer is a <see cref="FusedAdam"/>
/// the multiply is left to its next step's single pass, instead of reading and rewriting every gradient once more
/// (46 MB each for the reference model). Given the step's <see cref="EmbeddingGradient"/>, the embedding's gradient
/// counts only the rows the step wrote, all others being zero. Elsewhere (CUDA, other dtypes) the norm is libtorch's.
/// </summary>
public static class GradientClipping
{
    /// <param name="embedding">the step's embedding gradient, when the trainer keeps one (its rows spare a pass over the whole table)</param>
    /// <returns>the total 2-norm of the gradients before clipping</returns>
    public static double Clip(IEnumerable<Parameter> parameters, double maxNorm, OptimizerHelper optimizer, EmbeddingGradient? embedding = null)
    {
        using var scope = NewDisposeScope();
        var gradients = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (gradients.Count == 0) return 0;
        var sparse = embedding?.RowSparse;
        Tensor NonzeroPart(Tensor g) => sparse is { } s && TensorMemory.SameElements(g, s.Gradient)
            ? s.Gradient.index_select(0, s.Rows)                               // [rows, d]: the embedding rows this step wrote
            : g;
        double total = gradients.All(TensorMemory.CanView)
            ? Math.Sqrt(SumOfSquares(gradients.Select(NonzeroPart).ToList()))
            : stack(gradients.Select(g => g.norm(2f))).norm(2f).item<float>();
        float coefficient = (float)Math.Min(1, maxNorm / (total + 1e-6));
        if (optimizer is FusedAdam adam) adam.GradientScale = coefficient;
        else
            using (no_grad())
                foreach (var g in gradients) g.mul_(coefficient);
        return total;
    }

    /// <summary>Σ g² over every element, in chunks spread over libtorch's threads: float within a chunk, double across (in chunk order, whatever the thread count).</summary>
    static double SumOfSquares(List<Tensor> gradients)
    {
        var chunks = gradients.SelectMany((g, i) => TorchThreads.Chunks(g.numel()).Select(chunk => (Gradient: i, chunk.Start, chunk.Count))).ToList();
        var sums = new double[chunks.Count];
        TorchThreads.For(chunks.Count, c =>
            sums[c] = TensorPrimitives.SumOfSquares(TensorMemory.Floats(gradients[chunks[c].Gradient]).Slice(chunks[c].Start, chunks[c].Count)));
        return sums.Sum();
    }
}
