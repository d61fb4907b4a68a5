namespace JoMA.Engine.Training;

/// <summary>
/// Where a run stood when a checkpoint was written: enough, with the model, optimizer and RNG state,
/// to continue bit for bit on the CPU. Saved as state.json beside the weights, with each file's SHA-256.
/// </summary>
public sealed record TrainingCheckpointState
{
    public long Step { get; init; }
    /// <summary>The epoch (1-based) and the window within it at which training resumes.</summary>
    public int Epoch { get; init; }
    public int WindowInEpoch { get; init; }
    public double TrainLossSum { get; init; }
    public long TrainLossCount { get; init; }
    public long TrainedTokens { get; init; }
    /// <summary>Correct training predictions since the last snapshot (classification tasks), summed like the loss.</summary>
    public long TrainCorrectSum { get; init; }
    /// <summary>libtorch's CPU generator state (dropout), base64.</summary>
    public string RngState { get; init; } = "";
    /// <summary>File name → SHA-256 of model.safetensors and optimizer.pt.</summary>
    public Dictionary<string, string> Files { get; init; } = new();
}
