using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// A checkpoint's weights under canonical names (see <see cref="CheckpointTensorLayout"/>), CPU tensors
/// owned by this object (detached from dispose scopes; freed by <see cref="Dispose"/>), plus warnings
/// about things that did not stop loading: NaN values, unexpected keys, a tied output embedding.
/// </summary>
public sealed class CheckpointWeights : IDisposable
{
    readonly Dictionary<string, torch.Tensor> tensors;

    internal CheckpointWeights(CheckpointConfig config, Dictionary<string, torch.Tensor> tensors, IReadOnlyList<string> warnings)
    {
        Config = config;
        this.tensors = tensors;
        Warnings = warnings;
    }

    public CheckpointConfig Config { get; }
    public IReadOnlyList<string> Warnings { get; }
    public IReadOnlyCollection<string> Names => tensors.Keys;
    public torch.Tensor this[string canonicalName] => tensors.TryGetValue(canonicalName, out var t) ? t
        : throw new JomaException("CheckpointTensorMissing", JomaErrorKind.ObjectNotFound, $"The loaded weights have no tensor '{canonicalName}'.");
    public bool Contains(string canonicalName) => tensors.ContainsKey(canonicalName);

    public void Dispose()
    {
        // A tied output embedding is the same tensor object as the input embedding: dispose each object once.
        foreach (var t in tensors.Values.Distinct(ReferenceEqualityComparer.Instance).Cast<torch.Tensor>()) t.Dispose();
        tensors.Clear();
    }
}
