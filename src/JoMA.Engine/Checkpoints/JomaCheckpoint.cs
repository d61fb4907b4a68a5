using JoMA.Engine.Models;
using JoMA.Engine.Text;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// A pretrained checkpoint as Import-JomaCheckpoint writes it: where it is, which model and revision, its shape,
/// and each weight file's SHA-256. Opening reads config.json and the weight headers only; the model (weights in
/// <see cref="DType"/>) and the tokenizer are loaded on first use and cached until <see cref="Dispose"/>.
/// </summary>
public sealed class JomaCheckpoint : IDisposable
{
    readonly object gate = new();
    CausalLanguageModel? model;
    ITextTokenizer? tokenizer;

    JomaCheckpoint(HuggingFaceCheckpoint checkpoint, string model, string? revision, string? commit, WeightDType dtype)
    {
        Checkpoint = checkpoint;
        Model = model;
        Revision = revision;
        Commit = commit;
        Step = RevisionStep.Parse(revision);
        DType = dtype;
        Sha256 = new SortedDictionary<string, string>(checkpoint.WeightFiles.ToDictionary(f => f.FileName, f => f.Sha256), StringComparer.Ordinal);
    }

    /// <summary>
    /// Opens a Hugging Face model folder. <paramref name="model"/> defaults to config.json's _name_or_path, else the folder
    /// name; <paramref name="revision"/> defaults to the folder name when it is a "stepN" branch name.
    /// Errors: those of <see cref="HuggingFaceCheckpoint.Open"/> (CheckpointFolderNotFound, CheckpointConfigMissing, UnsupportedArchitecture, …).
    /// </summary>
    public static JomaCheckpoint Open(string folder, WeightDType dtype = WeightDType.Float32, string? model = null, string? revision = null, string? commit = null)
    {
        var checkpoint = HuggingFaceCheckpoint.Open(folder);
        var folderName = System.IO.Path.GetFileName(checkpoint.Folder.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        revision ??= RevisionStep.Parse(folderName) is null ? null : folderName;
        model ??= string.IsNullOrEmpty(checkpoint.Config.NameOrPath) ? folderName : checkpoint.Config.NameOrPath;
        return new JomaCheckpoint(checkpoint, model, revision, commit, dtype);
    }

    /// <summary>Opens revision <paramref name="snapshot"/> resolved in a hub cache.</summary>
    public static JomaCheckpoint Open(HubCacheSnapshot snapshot, WeightDType dtype = WeightDType.Float32) =>
        Open(snapshot.Folder, dtype, snapshot.Model, snapshot.Revision, snapshot.Commit);

    public HuggingFaceCheckpoint Checkpoint { get; }
    /// <summary>The model folder (a hub snapshot folder for cached revisions).</summary>
    public string Path => Checkpoint.Folder;
    public string Model { get; }
    public string? Revision { get; }
    /// <summary>The commit a hub revision resolved to; null for a plain folder.</summary>
    public string? Commit { get; }
    /// <summary>Training step from a "stepN" revision (Pythia); null otherwise.</summary>
    public long? Step { get; }
    public CheckpointArchitecture Architecture => Checkpoint.Architecture;
    public int Layers => Checkpoint.Layers;
    public int Heads => Checkpoint.Heads;
    public int HiddenSize => Checkpoint.HiddenSize;
    public int MaxPositions => Checkpoint.Config.MaxPositionEmbeddings;
    public int VocabSize => Checkpoint.Config.VocabSize;
    public long Parameters => Checkpoint.Parameters;
    /// <summary>The precision the weights are held in once loaded.</summary>
    public WeightDType DType { get; }
    /// <summary>The dtype the files store ("float32", "float16", "bfloat16").</summary>
    public string StoredDType => Checkpoint.DType;
    /// <summary>Weight file name → SHA-256 (lowercase hex).</summary>
    public IReadOnlyDictionary<string, string> Sha256 { get; }
    /// <summary>Whether the weights are in memory.</summary>
    public bool IsLoaded => model is not null;

    /// <summary>The model, loading the weights on first call; <paramref name="loadedNow"/> says this call loaded them (so its warnings are new).</summary>
    public CausalLanguageModel GetModel(out bool loadedNow)
    {
        lock (gate)
        {
            loadedNow = model is null;
            return model ??= CausalLanguageModel.Load(Checkpoint, DType.ToScalarType());
        }
    }

    public CausalLanguageModel GetModel() => GetModel(out _);

    /// <summary>The tokenizer stored beside the weights (tokenizer.json, or vocab.json + merges.txt). Errors: TokenizerMissing, TokenizerInvalid.</summary>
    public ITextTokenizer GetTokenizer()
    {
        lock (gate) return tokenizer ??= CheckpointTokenizer.Open(Path, Checkpoint.Config);
    }

    /// <summary>Same bytes: every weight file has the same SHA-256 (a hub upload of one revision under another name).</summary>
    public bool HasSameWeightsAs(JomaCheckpoint other) =>
        Sha256.Count == other.Sha256.Count && Sha256.Values.Order(StringComparer.Ordinal).SequenceEqual(other.Sha256.Values.Order(StringComparer.Ordinal));

    /// <summary>Frees the loaded weights and tokenizer; the next <see cref="GetModel()"/> loads them again.</summary>
    public void Unload()
    {
        lock (gate)
        {
            model?.Dispose();
            model = null;
            tokenizer?.Dispose();
            tokenizer = null;
        }
    }

    public void Dispose() => Unload();

    public override string ToString() => Revision is null ? Model : $"{Model}@{Revision}";
}
