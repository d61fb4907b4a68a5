namespace JoMA.Engine.Checkpoints;

/// <summary>Which weight files a checkpoint folder is read from. Auto prefers safetensors.</summary>
public enum CheckpointWeightFormat
{
    Auto,
    Safetensors,
    PyTorchBin,
}
