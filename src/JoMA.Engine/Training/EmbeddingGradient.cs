using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// A training step's embedding lookup and its gradient, scattered into a [V, d] buffer kept from step to step.
/// libtorch's embedding backward allocates and zero-fills a fresh dense [V, d] gradient every step (23 MB for the
/// reference model: page faults and a fill, about 4 ms of a 150 ms step on the CPU) although a step touches at most
/// T·B rows. Here only the rows the previous step wrote are zeroed again: optimizers only read gradients and clipping
/// only scales them, so every other row is still zero. The lookup is a leaf ([T, B, d]) that the backward fills.
/// </summary>
public sealed class EmbeddingGradient : IDisposable
{
    readonly Embedding embedding;
    Tensor? buffer;       // [V, d]: the last .grad this made, reused once the trainer has set .grad to none
    Tensor? written;      // [R] the rows the buffer may hold nonzero: this step's distinct token ids
    Tensor? ids, rows;    // this step's token ids [T·B] and looked-up rows [T, B, d]

    public EmbeddingGradient(Embedding embedding) => this.embedding = embedding;

    /// <summary>
    /// The embedding's .grad as this step left it in the kept buffer, with the only rows of it that may be nonzero; null
    /// when the .grad is not that buffer (tied to the decoder, or no gradient reached the embedding). Gradient clipping
    /// reads those rows (at most T·B, 700 for the reference model) instead of all V (28,782: 23 MB, 1 ms a step).
    /// </summary>
    public (Tensor Gradient, Tensor Rows)? RowSparse { get; private set; }

    /// <param name="tokens">[T, B] token ids</param>
    /// <returns>[T, B, d] the tokens' embedding rows, a leaf: feed it to the model, backpropagate, then call <see cref="Accumulate"/></returns>
    public Tensor Lookup(Tensor tokens)
    {
        var weight = embedding.weight!;
        ids?.Dispose();
        rows?.Dispose();
        ids = tokens.flatten().to(ScalarType.Int64).DetachFromDisposeScope();
        var shape = tokens.shape.Append(weight.shape[1]).ToArray();
        rows = weight.detach().index_select(0, ids).view(shape).requires_grad_().DetachFromDisposeScope();
        return rows;
    }

    /// <summary>Adds the lookup's gradient to the embedding's .grad, as autograd's embedding backward would.</summary>
    public void Accumulate()
    {
        RowSparse = null;
        if (rows?.grad is not { } rowGradient || ids is null) return;  // the loss did not reach the embedding
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = embedding.weight!;
        var perToken = rowGradient.view(-1, weight.shape[1]);          // [T·B, d]
        if (weight.grad is { } existing)
        {
            existing.index_add_(0, ids, perToken, 1);                    // e.g. tied to the decoder, whose gradient is already there
            return;
        }
        // TorchSharp's Device compares by reference (two tensors' .device are never ==), so compare type and index.
        if (buffer is null || !buffer.shape.SequenceEqual(weight.shape) || buffer.device_type != weight.device_type || buffer.device_index != weight.device_index)
        {
            buffer?.Dispose();
            buffer = zeros_like(weight).DetachFromDisposeScope();
        }
        else if (written is not null) buffer.index_fill_(0, written, 0);
        buffer.index_add_(0, ids, perToken, 1);
        weight.grad = buffer;
        written?.Dispose();
        written = ids.unique().output.DetachFromDisposeScope();
        RowSparse = (buffer, written);
    }

    public void Dispose()
    {
        foreach (var t in new[] { buffer, written, ids, rows }) t?.Dispose();
        buffer = written = ids = rows = null;
        RowSparse = null;
    }
}
