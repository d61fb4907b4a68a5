using TorchSharp;

namespace JoMA.Engine.Models;

/// <summary>What a forward pass keeps. Entropies alone keep memory bounded: each layer's maps are freed before the next layer runs.</summary>
public sealed record ForwardOptions
{
    /// <summary>Keep each layer's attention probabilities [heads, q, k].</summary>
    public bool KeepAttentionMaps { get; init; } = true;
    /// <summary>Keep the hidden states (HF convention: index 0 = embeddings, last = after the final norm).</summary>
    public bool KeepHiddenStates { get; init; } = true;
    /// <summary>Compute per-layer, per-head attention entropies (−Σ p ln p, 0 ln 0 = 0, in float64).</summary>
    public bool ComputeEntropies { get; init; } = true;
    /// <summary>Run the output embedding. Attention extraction does not need logits, and for a 50k vocabulary they are half the work.</summary>
    public bool ComputeLogits { get; init; } = true;
    /// <summary>
    /// Called with (layer, probabilities [heads, T, T]) while the layer's dispose scope is open, before its maps are freed:
    /// lets a caller reduce each map (e.g. into an accumulator) without ever holding all layers' maps.
    /// The tensor is only valid during the call.
    /// </summary>
    public Action<int, torch.Tensor>? OnLayerAttention { get; init; }
    /// <summary>
    /// Called with (layer, first query, probabilities [heads, rows, keys]) for blocks of query rows. With
    /// <see cref="AttentionQueryBlockRows"/> set and nothing else needing whole maps (no kept maps, entropies or
    /// <see cref="OnLayerAttention"/>), attention is computed block by block and no [heads, T, T] map ever exists;
    /// otherwise it gets each whole map as one block (first query 0). The tensor is only valid during the call.
    /// </summary>
    public Action<int, long, torch.Tensor>? OnAttentionBlock { get; init; }
    /// <summary>Query rows per attention block (see <see cref="OnAttentionBlock"/>); null = whole maps.</summary>
    public int? AttentionQueryBlockRows { get; init; }

    public static ForwardOptions Everything { get; } = new();
    public static ForwardOptions EntropiesOnly { get; } = new() { KeepAttentionMaps = false, KeepHiddenStates = false };
}
