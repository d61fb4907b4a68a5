using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using JoMA.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Theory;

/// <summary>
/// One checkpoint (checkpoints/step-N) of a language-model run, for inference: the model rebuilt from the run's config
/// and vocabulary with the checkpoint's weights (no optimizer).
/// </summary>
public sealed record LanguageModelCheckpoint(LanguageModelRun Run, string Folder, long Step)
{
    /// <summary>
    /// Verifies model.safetensors against the hash in state.json, checks its shapes against the run's model (the vocabulary
    /// first, the usual way a checkpoint and its run disagree), and loads it in eval mode on <paramref name="device"/>.
    /// The caller disposes the model.
    /// </summary>
    public TransformerLanguageModel LoadModel(Device device)
    {
        RunFolder.ReadVerifiedModelState(Folder);
        var options = Run.ModelOptions;
        var weights = SafetensorsFile.Open(RunFolder.ModelPath(Folder));
        if (weights.Contains(EmbeddingWeight) && weights.Info(EmbeddingWeight).Shape is [var rows, _] && rows != options.VocabularySize)
            throw new JomaException("CheckpointVocabularyMismatch", JomaErrorKind.InvalidData,
                $"Checkpoint '{Folder}' holds a model of {rows} tokens, but the run's vocab.txt has {options.VocabularySize}: the vocabulary file was replaced after training. " +
                "Restore the run's own vocab.txt (or measure a checkpoint of the run that wrote it).");
        var model = Build(options);
        try
        {
            CheckShapes(model, weights);
            RunFolder.LoadModel(Folder, model);
            model.to(device);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    const string EmbeddingWeight = "encoder.weight";

    /// <summary>
    /// Builds the model without moving libtorch's global generator: the initialisation draws from it, and a training run in
    /// the same pipeline (Start-JomaTraining | Measure-JomaTokenAttention) draws its dropout from it too.
    /// </summary>
    static TransformerLanguageModel Build(TransformerOptions options)
    {
        using var generator = get_rng_state();
        try { return new TransformerLanguageModel(options); }
        finally { set_rng_state(generator); }
    }

    /// <summary>Every tensor the model has must be in the file with the same shape (a clear error instead of libtorch's).</summary>
    void CheckShapes(TransformerLanguageModel model, SafetensorsFile weights)
    {
        foreach (var (name, tensor) in model.state_dict())
        {
            if (!weights.Contains(name))
                throw Incompatible($"it has no tensor '{name}'");
            var stored = weights.Info(name).Shape;
            if (!stored.SequenceEqual(tensor.shape))
                throw Incompatible($"its '{name}' is [{string.Join(", ", stored)}] where the run's config.yaml builds [{string.Join(", ", tensor.shape)}]");
        }
    }

    JomaException Incompatible(string why) =>
        new("CheckpointIncompatible", JomaErrorKind.InvalidData,
            $"Checkpoint '{Folder}' does not fit the model of run '{Run.Folder.Path}': {why}. Was config.yaml edited after training? Restore the run's own config.yaml.");

    public override string ToString() => $"{Run.Name} step {Step}";
}
