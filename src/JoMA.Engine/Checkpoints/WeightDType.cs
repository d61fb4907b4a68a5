using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>The precision a checkpoint's weights are held in memory (the forward pass still computes in float32).</summary>
public enum WeightDType
{
    Float32,
    Float16,
    BFloat16,
}

public static class WeightDTypes
{
    public static torch.ScalarType ToScalarType(this WeightDType dtype) => dtype switch
    {
        WeightDType.Float16 => torch.ScalarType.Float16,
        WeightDType.BFloat16 => torch.ScalarType.BFloat16,
        _ => torch.ScalarType.Float32,
    };
}
