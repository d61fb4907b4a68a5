using JoMA.Engine.Config;
using JoMA.Engine.Models;
using JoMA.Engine.Text;
using JoMA.Engine.Training;

namespace JoMA.Engine.Theory;

/// <summary>
/// A language-model run written by Start-JomaTraining (config.yaml, vocab.txt, checkpoints/step-N), opened for
/// inference: its model's shape, its vocabulary, its checkpoints in step order and its corpus splits, batched as
/// the trainer evaluates.
/// </summary>
public sealed class LanguageModelRun
{
    LanguageModelRun(RunFolder folder, TrainingConfig config, Vocabulary vocabulary)
    {
        Folder = folder;
        Config = config;
        Vocabulary = vocabulary;
        Name = config.Run ?? Path.GetFileName(folder.Path);    // as the trainer names its snapshots
        ModelOptions = Trainer.ModelOptions(config, vocabulary.Count);
    }

    public RunFolder Folder { get; }
    public string Name { get; }
    public TrainingConfig Config { get; }
    public Vocabulary Vocabulary { get; }
    public TransformerOptions ModelOptions { get; }

    /// <summary>Opens a run folder (config.yaml and vocab.txt of a language-model run).</summary>
    public static LanguageModelRun Open(string runFolder)
    {
        var folder = new RunFolder(runFolder);
        if (!Directory.Exists(folder.Path))
            throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound,
                $"'{folder.Path}' does not exist. Give a run folder written by Start-JomaTraining (its -OutputDirectory) or one of its checkpoints/step-N folders.");
        if (!File.Exists(folder.ConfigPath))
            throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound,
                $"'{folder.Path}' holds no training run (no config.yaml). Give a run folder written by Start-JomaTraining (its -OutputDirectory) or one of its checkpoints/step-N folders.");
        var config = TrainingConfig.Load(folder.ConfigPath);
        if (config.IsHierarchicalTask())
            throw new JomaException("NotLanguageModelRun", JomaErrorKind.InvalidData,
                $"'{folder.Path}' is a hierarchical-task run: it has no text and no token attention to measure. Use Measure-JomaLatentAlignment for it.");
        if (!File.Exists(folder.VocabularyPath))
            throw new JomaException("RunVocabularyMissing", JomaErrorKind.InvalidData,
                $"Run '{folder.Path}' has no vocab.txt, so its token ids cannot be read. Restore the vocab.txt the run wrote.");
        return new LanguageModelRun(folder, config, Vocabulary.Load(folder.VocabularyPath));
    }

    /// <summary>
    /// What a path names: a run folder gives every checkpoint of the run, in step order; a checkpoint folder
    /// (checkpoints/step-N, holding state.json) gives that one, its run being the folder two levels up.
    /// </summary>
    public static IReadOnlyList<LanguageModelCheckpoint> Resolve(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(full)) full = Path.GetDirectoryName(full)!;           // model.safetensors or state.json named directly
        if (!RunFolder.IsCheckpointFolder(full)) return Open(full).Checkpoints();
        var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(full));
        if (runFolder is null || !File.Exists(new RunFolder(runFolder).ConfigPath))
            throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound,
                $"Checkpoint '{full}' is not inside a run folder (no config.yaml two levels up): its model's shape and vocabulary are unknown. Give a checkpoint as Start-JomaTraining left it, under <run>/checkpoints/.");
        return [Open(runFolder).Checkpoint(full)];
    }

    /// <summary>Every checkpoint of the run, in step order.</summary>
    public IReadOnlyList<LanguageModelCheckpoint> Checkpoints()
    {
        var folders = Folder.CheckpointFolders();
        if (folders.Count == 0)
            throw new JomaException("CheckpointNotFound", JomaErrorKind.ObjectNotFound,
                $"Run '{Folder.Path}' has no checkpoints (checkpoints/step-N). Start-JomaTraining writes one at every evaluation when it has an -OutputDirectory; wait for the first, or train with one.");
        return folders.Select(Checkpoint).OrderBy(c => c.Step).ToList();
    }

    /// <summary>One checkpoint folder of this run, its step read from its state.json.</summary>
    public LanguageModelCheckpoint Checkpoint(string folder) => new(this, Path.GetFullPath(folder), RunFolder.ReadState(folder).Step);

    /// <summary>The text file of a split, as the run's config.yaml names it.</summary>
    public string SplitPath(ProbeSplit split)
    {
        var data = Config.Data;
        WikitextCorpus corpus;
        try { corpus = data.Corpus is { } c ? WikitextCorpus.FromFolder(c) : WikitextCorpus.FromFiles(data.TrainPath!, data.ValidationPath); }
        catch (JomaException e) when (e.ErrorId.StartsWith("Corpus", StringComparison.Ordinal))
        {
            throw new JomaException(e.ErrorId, e.Kind,
                $"The text run '{Folder.Path}' was trained on cannot be read: {e.Message} If the corpus moved, correct data.corpus (or data.train_path and data.validation_path) in its config.yaml.", e);
        }
        return split switch
        {
            ProbeSplit.Train => corpus.TrainPath,
            ProbeSplit.Test => corpus.TestPath ?? throw new JomaException("ProbeSplitMissing", JomaErrorKind.ObjectNotFound,
                $"Run '{Folder.Path}' was trained on named files (data.train_path, data.validation_path), so it has no test split. Probe the Validation or Train split."),
            _ => corpus.ValidationPath,
        };
    }

    /// <summary>
    /// A split's token stream cut as the trainer's Evaluator cuts the validation split: eval_batch_size columns,
    /// windows of bptt rows (LanguageModelBatches).
    /// </summary>
    public LanguageModelBatches ProbeBatches(ProbeSplit split)
    {
        var path = SplitPath(split);
        return new LanguageModelBatches(Vocabulary.Encode(WikitextCorpus.Lines(path)), Config.Data.EvalBatchSize, Config.Data.Bptt);
    }

    public override string ToString() => Name;
}
