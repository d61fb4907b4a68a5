using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// A copy of a hierarchical classifier's weights in managed memory, carried by training snapshots so that
/// Measure-JomaLatentAlignment can rebuild the model at that step even when no checkpoint was written.
/// </summary>
public sealed class HierarchicalModelState
{
    readonly Dictionary<string, (long[] Shape, float[] Data)> weights;

    HierarchicalModelState(HierarchicalModelOptions options, Dictionary<string, (long[], float[])> weights)
    {
        Options = options;
        this.weights = weights;
    }

    public HierarchicalModelOptions Options { get; }
    public long ParameterCount => weights.Values.Sum(w => (long)w.Data.Length);

    public static HierarchicalModelState Capture(HierarchicalClassifier model)
    {
        var copy = new Dictionary<string, (long[], float[])>();
        foreach (var (name, tensor) in model.state_dict())
        {
            using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32);
            copy[name] = (tensor.shape, cpu.data<float>().ToArray());
        }
        return new HierarchicalModelState(model.Options, copy);
    }

    public HierarchicalClassifier Build(Device device)
    {
        var model = new HierarchicalClassifier(Options);
        using (no_grad())
        {
            foreach (var (name, target) in model.state_dict())
            {
                var (shape, data) = weights[name];
                using var source = tensor(data, shape);
                target.copy_(source);
            }
        }
        model.to(device);
        return model;
    }

    public override string ToString() => $"{Options.Layers} blocks, d {Options.ModelDimension}, FFN {Options.FeedForwardDimension} ({ParameterCount} parameters)";
}
