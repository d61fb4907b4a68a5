using JoMA.Engine.Config;
using JoMA.Engine.Text;

namespace JoMA.Engine.Theory;

/// <summary>
/// The training split encoded exactly as Start-JomaTraining encodes it for a config (same corpus, vocabulary,
/// &lt;unk&gt;), so counts and a trained model's attention speak of the same tokens. Given a run folder's
/// vocab.txt, the rebuilt vocabulary must match it token for token.
/// </summary>
public sealed record TrainingStream(Vocabulary Vocabulary, int[] Tokens, string TrainPath)
{
    public static TrainingStream Load(TrainingConfig config, string? runVocabularyPath = null)
    {
        var data = config.Data;
        if (data.Corpus is null && data.TrainPath is null)
            throw JomaException.Argument("CorpusMissing", "Name the text to count: -Corpus <Wikitext folder>, -Config with data.corpus, or -RunPath <a training run>.");
        var corpus = data.Corpus is { } folder ? WikitextCorpus.FromFolder(folder) : WikitextCorpus.FromFiles(data.TrainPath!, data.ValidationPath ?? data.TrainPath);
        var vocabulary = corpus.BuildVocabulary(data.MinFrequency, data.MaxVocabulary);
        if (runVocabularyPath is not null)
        {
            var run = Vocabulary.Load(runVocabularyPath);
            if (!run.Tokens.SequenceEqual(vocabulary.Tokens))
                throw new JomaException("VocabularyMismatch", JomaErrorKind.InvalidData,
                    $"The vocabulary rebuilt from '{corpus.TrainPath}' ({vocabulary.Count} tokens) differs from the run's '{runVocabularyPath}' ({run.Count} tokens). " +
                    "Count with the run's own config (-RunPath), so the statistics speak of the tokens the model was trained on.");
        }
        return new TrainingStream(vocabulary, corpus.Encode(vocabulary, corpus.TrainPath), corpus.TrainPath);
    }

    /// <summary>The stream of a training run folder (its config.yaml and vocab.txt), and the run's config.</summary>
    public static (TrainingConfig Config, TrainingStream Stream) FromRun(string runFolder)
    {
        var config = Path.Combine(runFolder, "config.yaml");
        var vocabulary = Path.Combine(runFolder, "vocab.txt");
        if (!File.Exists(config) || !File.Exists(vocabulary))
            throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound,
                $"'{runFolder}' holds no training run (config.yaml and vocab.txt). Give the -OutputDirectory of a Start-JomaTraining run, or use -Corpus or -ConfigPath.");
        var loaded = TrainingConfig.Load(config);
        return (loaded, Load(loaded, vocabulary));
    }
}
