using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// What one layer's attention hands back to the forward pass: the whole [heads, T, T] map (<see cref="Probabilities"/>),
/// or, when <see cref="QueryBlockRows"/> is set, blocks of query rows [heads, rows, keys] passed to <see cref="OnBlock"/>
/// as they are computed, so the whole map never exists (a 2048-token, 8-head map is 128 MB).
/// </summary>
internal sealed class AttentionCapture
{
    AttentionCapture(int? queryBlockRows, Action<long, Tensor>? onBlock)
    {
        QueryBlockRows = queryBlockRows;
        OnBlock = onBlock;
    }

    public static AttentionCapture FullMap() => new(null, null);

    /// <param name="rows">Query rows per block.</param>
    /// <param name="onBlock">(first query, probabilities [heads, rows, first + rows]); the tensor is valid during the call only.</param>
    public static AttentionCapture Blocks(int rows, Action<long, Tensor> onBlock) => new(rows, onBlock);

    public int? QueryBlockRows { get; }
    public Action<long, Tensor>? OnBlock { get; }
    /// <summary>[heads, T, T]: set by the layer in full-map mode.</summary>
    public Tensor? Probabilities { get; set; }
}
