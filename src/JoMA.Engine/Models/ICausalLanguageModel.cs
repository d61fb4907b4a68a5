using JoMA.Engine.Checkpoints;

namespace JoMA.Engine.Models;

/// <summary>A pretrained decoder-only model run in inference mode (no gradients, float32, CPU).</summary>
public interface ICausalLanguageModel : IDisposable
{
    CheckpointConfig Config { get; }
    /// <summary>Warnings from loading (NaN weights, ignored tensors).</summary>
    IReadOnlyList<string> Warnings { get; }
    /// <summary>Runs one sequence of token ids (positions 0..T−1, no padding).</summary>
    CausalLmOutput Forward(IReadOnlyList<long> tokenIds, ForwardOptions? options = null);
}
