using TorchSharp;

namespace JoMA.Engine.Models;

/// <summary>
/// The result of one forward pass over one sequence of T tokens. Tensors are float32 CPU tensors owned by
/// this object (detached from dispose scopes) and freed by <see cref="Dispose"/>.
/// </summary>
public sealed class CausalLmOutput : IDisposable
{
    internal CausalLmOutput(torch.Tensor? logits, IReadOnlyList<torch.Tensor> hiddenStates, IReadOnlyList<torch.Tensor> attentions, IReadOnlyList<LayerAttentionEntropy> entropies)
    {
        Logits = logits;
        HiddenStates = hiddenStates;
        Attentions = attentions;
        Entropies = entropies;
    }

    /// <summary>[T, vocab]; null when the pass was run without logits (<see cref="ForwardOptions.ComputeLogits"/>).</summary>
    public torch.Tensor? Logits { get; }
    /// <summary>L + 1 tensors [T, dim]: 0 = embeddings, i = input of layer i, L = after the final norm (and OPT's project_out). Empty unless kept.</summary>
    public IReadOnlyList<torch.Tensor> HiddenStates { get; }
    /// <summary>One [heads, T, T] tensor per layer, causal (masked entries exactly 0). Empty unless kept.</summary>
    public IReadOnlyList<torch.Tensor> Attentions { get; }
    /// <summary>One entry per layer. Empty unless computed.</summary>
    public IReadOnlyList<LayerAttentionEntropy> Entropies { get; }

    public void Dispose()
    {
        Logits?.Dispose();
        foreach (var t in HiddenStates) t.Dispose();
        foreach (var t in Attentions) t.Dispose();
    }
}
