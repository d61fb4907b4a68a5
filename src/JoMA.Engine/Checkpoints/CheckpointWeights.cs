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

    /// <summary>Converts every floating weight to <paramref name="dtype"/> in place of the old tensor (a tied pair stays one tensor).</summary>
    internal void ConvertFloating(torch.ScalarType dtype) =>
        Replace(t => t.is_floating_point() && t.dtype != dtype ? t.to_type(dtype) : t);

    /// <summary>Moves every weight to <paramref name="device"/> (a tied pair stays one tensor).</summary>
    internal void MoveTo(torch.Device device) =>
        Replace(t => t.device.type == device.type && t.device.index == device.index ? t : t.to(device));

    void Replace(Func<torch.Tensor, torch.Tensor> convert)
    {
        var converted = new Dictionary<torch.Tensor, torch.Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var name in tensors.Keys.ToList())
        {
            var old = tensors[name];
            if (!converted.TryGetValue(old, out var replacement))
            {
                replacement = convert(old).DetachFromDisposeScope();
                converted[old] = replacement;
            }
            tensors[name] = replacement;
        }
        foreach (var (old, replacement) in converted) if (!ReferenceEquals(old, replacement)) old.Dispose();
    }

    public void Dispose()
    {
        // A tied output embedding is the same tensor object as the input embedding: dispose each object once.
        foreach (var t in tensors.Values.Distinct(ReferenceEqualityComparer.Instance).Cast<torch.Tensor>()) t.Dispose();
        tensors.Clear();
    }
}
