namespace JoMA.Engine.Checkpoints;

/// <summary>The model families the engine has forward passes for (config.json's model_type).</summary>
public enum CheckpointArchitecture
{
    /// <summary>model_type "gpt_neox" (Pythia).</summary>
    GptNeoX,
    /// <summary>model_type "opt".</summary>
    Opt,
}
