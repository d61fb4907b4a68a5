using JoMA.Engine.Hierarchy;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace JoMA.Engine.Config;

/// <summary>
/// A whole training experiment as YAML (snake_case keys, sections data/model/optimizer/training).
/// Defaults are the authors' reference (decoder_wiki.py). Dotted paths such as optimizer.lr name keys
/// for overrides and sweeps.
/// </summary>
public sealed class TrainingConfig
{
    public string? Run { get; set; }
    public long Seed { get; set; } = 1;
    /// <summary>auto, cpu or cuda.</summary>
    public string Device { get; set; } = "auto";
    /// <summary>language_model (the Wikitext experiments) or hierarchical (latent-tree classification, Table 1).</summary>
    public string Task { get; set; } = TaskNames.LanguageModel;
    public DataSection Data { get; set; } = new();
    public ModelSection Model { get; set; } = new();
    public OptimizerSection Optimizer { get; set; } = new();
    public TrainingSection Training { get; set; } = new();
    /// <summary>Settings of the hierarchical task; ignored by the language model.</summary>
    public HierarchySection Hierarchy { get; set; } = new();

    public static class TaskNames
    {
        public const string LanguageModel = "language_model", Hierarchical = "hierarchical";
    }

    public bool IsHierarchicalTask() => Task.Replace("_", "").Equals("hierarchical", StringComparison.OrdinalIgnoreCase);

    public sealed class DataSection
    {
        /// <summary>A Wikitext folder (wiki.train.tokens …).</summary>
        public string? Corpus { get; set; }
        public string? TrainPath { get; set; }
        public string? ValidationPath { get; set; }
        public int MinFrequency { get; set; } = 1;
        public int? MaxVocabulary { get; set; }
        public int BatchSize { get; set; } = 20;
        public int EvalBatchSize { get; set; } = 10;
        public int Bptt { get; set; } = 35;
    }

    public sealed class ModelSection
    {
        public int Layers { get; set; } = 2;
        public int Heads { get; set; } = 1;
        public int ModelDimension { get; set; } = 200;
        public int FeedForwardDimension { get; set; } = 200;
        public double Dropout { get; set; } = 0.2;
        public bool PreLayerNorm { get; set; }
        /// <summary>relu or gelu.</summary>
        public string Activation { get; set; } = "relu";
        public bool TiedDecoder { get; set; }
    }

    public sealed class OptimizerSection
    {
        /// <summary>adam, adamw or sgd.</summary>
        public string Name { get; set; } = "adam";
        public double Lr { get; set; } = 1e-4;
        public double WeightDecay { get; set; }
        public double Momentum { get; set; }
        /// <summary>Gradient-norm clip; 0 turns it off.</summary>
        public double Clip { get; set; } = 0.5;
        /// <summary>The authors' script rebuilds Adam (state reset) at every epoch.</summary>
        public bool ResetEachEpoch { get; set; } = true;
        /// <summary>constant or cosine.</summary>
        public string Schedule { get; set; } = "constant";
        public int WarmupSteps { get; set; }
    }

    public sealed class TrainingSection
    {
        public int Epochs { get; set; } = 20;
        /// <summary>Stop after this many minibatches (null: run all epochs).</summary>
        public long? MaxSteps { get; set; }
        public int EvaluateEvery { get; set; } = 1000;
        /// <summary>A denser evaluation interval for the first steps, where attention moves fastest (0: none).</summary>
        public int EvaluateEarlyEvery { get; set; }
        /// <summary>The last step evaluated at EvaluateEarlyEvery; after it, EvaluateEvery applies.</summary>
        public long EvaluateEarlyUntil { get; set; }
        /// <summary>Validation windows kept as the probe AttentionSample of each snapshot.</summary>
        public int ProbeWindows { get; set; } = 1;
        public string? OutputDirectory { get; set; }
        public int KeepLast { get; set; } = 3;
        /// <summary>Also keep every checkpoint whose step is a multiple of this (0: none).</summary>
        public int KeepEvery { get; set; }
    }

    public sealed class HierarchySection
    {
        /// <summary>The latent tree to sample from (rebuilt from its seed).</summary>
        public LatentTreeSpec? Tree { get; set; }
        /// <summary>Each block's hidden width is this times M (feed_forward_base vocabulary, the paper's 4·M) or times d (model).</summary>
        public int FeedForwardMultiplier { get; set; } = 4;
        public string FeedForwardBase { get; set; } = "vocabulary";
        /// <summary>Fixed held-out samples for each snapshot's loss and accuracy.</summary>
        public int EvaluationSamples { get; set; } = 1280;
    }

    static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.Preserve)
        .Build();

    /// <summary>Reads a config file and checks every value (<see cref="TrainingConfigRules"/>); a bad value is an error naming the key and the file.</summary>
    public static TrainingConfig Load(string path)
    {
        var config = YamlConfigReader.ReadFile<TrainingConfig>(path);
        TrainingConfigRules.Validate(config, path);
        return config;
    }

    /// <summary>Checks every value against the rules the cmdlet parameters use; throws ConfigInvalidValue naming the key.</summary>
    public void Validate(string? source = null) => TrainingConfigRules.Validate(this, source);

    public string ToYaml() => Serializer.Serialize(this);

    /// <summary>Writes the YAML through a temporary file, so an interrupted write leaves no half-written config.</summary>
    public void Save(string path)
    {
        FileWrites.WriteAllText(path, ToYaml());
    }

    /// <summary>Makes the config's relative paths absolute against <paramref name="baseDirectory"/> (a config file's folder).</summary>
    public void AnchorPaths(string baseDirectory)
    {
        string? Anchor(string? path) => path is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, path));
        Data.Corpus = Anchor(Data.Corpus);
        Data.TrainPath = Anchor(Data.TrainPath);
        Data.ValidationPath = Anchor(Data.ValidationPath);
        Training.OutputDirectory = Anchor(Training.OutputDirectory);
    }

    /// <summary>Reads a config file, its relative paths taken against the file's folder.</summary>
    public static TrainingConfig LoadAnchored(string path)
    {
        var config = Load(path);
        config.AnchorPaths(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return config;
    }

    public TrainingConfig Clone() => YamlConfigReader.Read<TrainingConfig>(ToYaml());

    /// <summary>Every dotted key path (e.g. optimizer.lr) that <see cref="Set"/> accepts.</summary>
    public static IEnumerable<string> KeyPaths()
    {
        foreach (var p in typeof(TrainingConfig).GetProperties())
        {
            var key = UnderscoredNamingConvention.Instance.Apply(p.Name);
            if (p.PropertyType.IsClass && p.PropertyType != typeof(string))
                foreach (var inner in p.PropertyType.GetProperties()) yield return $"{key}.{UnderscoredNamingConvention.Instance.Apply(inner.Name)}";
            else yield return key;
        }
    }

    /// <summary>The canonical spelling of a dotted key path (optimizer.lr for Optimizer.Lr); null when the config has no such key.</summary>
    public static string? CanonicalKeyPath(string keyPath) =>
        KeyPaths().FirstOrDefault(k => string.Equals(k, keyPath, StringComparison.OrdinalIgnoreCase)
            || string.Equals(k.Replace("_", ""), keyPath.Replace("_", ""), StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a value by dotted key path (the inverse of <see cref="Set"/>).</summary>
    public object? Get(string keyPath)
    {
        object? target = this;
        foreach (var part in keyPath.Split('.'))
        {
            var property = target!.GetType().GetProperties()
                .FirstOrDefault(p => UnderscoredNamingConvention.Instance.Apply(p.Name) == part || p.Name.Equals(part, StringComparison.OrdinalIgnoreCase))
                ?? throw JomaException.Argument("ConfigUnknownKey", $"Unknown config key '{keyPath}'. Valid keys: {string.Join(", ", KeyPaths())}.");
            target = property.GetValue(target);
        }
        return target;
    }

    /// <summary>Sets a value by dotted key path, converting it to the key's type; unknown keys and bad values are errors naming the key.</summary>
    public void Set(string keyPath, object? value)
    {
        var parts = keyPath.Split('.');
        object target = this;
        for (int i = 0; i < parts.Length; i++)
        {
            var property = target.GetType().GetProperties()
                .FirstOrDefault(p => UnderscoredNamingConvention.Instance.Apply(p.Name) == parts[i] || p.Name.Equals(parts[i], StringComparison.OrdinalIgnoreCase))
                ?? throw JomaException.Argument("ConfigUnknownKey", $"Unknown config key '{keyPath}'. Valid keys: {string.Join(", ", KeyPaths())}.");
            if (i < parts.Length - 1)
            {
                target = property.GetValue(target)!;
                continue;
            }
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            try
            {
                property.SetValue(target, value is null ? null : Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                throw JomaException.Argument("ConfigInvalidValue", $"Config key '{keyPath}' takes a {type.Name}; '{value}' is not one.");
            }
        }
    }
}
