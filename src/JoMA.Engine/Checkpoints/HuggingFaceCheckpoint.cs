using System.Text.Json;
using JoMA.Engine.Native;
using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// A Hugging Face model folder (config.json + model.safetensors or pytorch_model.bin, either possibly
/// sharded with an *.index.json). Opening is lazy: it reads config.json, the index and the safetensors
/// headers only; <see cref="LoadWeights"/> reads tensor data. Only GPT-NeoX and OPT are accepted.
/// </summary>
public sealed class HuggingFaceCheckpoint
{
    public const string ConfigFileName = "config.json";
    public const string SafetensorsFileName = "model.safetensors";
    public const string SafetensorsIndexFileName = "model.safetensors.index.json";
    public const string PyTorchBinFileName = "pytorch_model.bin";
    public const string PyTorchBinIndexFileName = "pytorch_model.bin.index.json";

    readonly IReadOnlyList<SafetensorsFile> safetensors;

    HuggingFaceCheckpoint(string folder, CheckpointConfig config, CheckpointWeightFormat format,
        IReadOnlyList<CheckpointWeightFile> files, IReadOnlyList<SafetensorsFile> safetensors)
    {
        Folder = folder;
        Config = config;
        Layout = new CheckpointTensorLayout(config);
        WeightFormat = format;
        WeightFiles = files;
        this.safetensors = safetensors;
    }

    public string Folder { get; }
    public CheckpointConfig Config { get; }
    public CheckpointTensorLayout Layout { get; }
    /// <summary>Safetensors or PyTorchBin: what <see cref="Open"/> chose (never Auto).</summary>
    public CheckpointWeightFormat WeightFormat { get; }
    /// <summary>The weight files in shard order, each with its SHA-256 (computed on first access).</summary>
    public IReadOnlyList<CheckpointWeightFile> WeightFiles { get; }

    public CheckpointArchitecture Architecture => Config.Architecture;
    public int Layers => Config.Layers;
    public int Heads => Config.Heads;
    public int HiddenSize => Config.HiddenSize;
    /// <summary>Number of parameters the architecture has for this config (a tied output embedding counted once).</summary>
    public long Parameters => Layout.ParameterCount;

    /// <summary>
    /// The stored weight dtype ("float32", "float16", "bfloat16"): from the safetensors headers (the most
    /// common dtype among the model's tensors), else config.json's torch_dtype.
    /// </summary>
    public string DType
    {
        get
        {
            var codes = safetensors.SelectMany(f => f.Tensors).Where(t => Layout.Canonical(t.Name) is not null).Select(t => t.DType).ToList();
            if (codes.Count > 0) return SafetensorsDTypes.FriendlyName(codes.GroupBy(c => c).OrderByDescending(g => g.Count()).First().Key);
            return Config.TorchDType ?? "float32";
        }
    }

    /// <summary>
    /// Opens <paramref name="folder"/>. Errors: CheckpointFolderNotFound, CheckpointConfigMissing, UnsupportedArchitecture,
    /// CheckpointWeightsMissing, CheckpointIndexInvalid, CheckpointShardPathEscapes, and the safetensors header errors.
    /// </summary>
    public static HuggingFaceCheckpoint Open(string folder, CheckpointWeightFormat format = CheckpointWeightFormat.Auto)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new JomaException("CheckpointFolderNotFound", JomaErrorKind.ObjectNotFound, $"Checkpoint folder '{folder}' does not exist.");
        if (!File.Exists(Path.Combine(folder, ConfigFileName)) && RunCheckpointOf(folder) is { } run)
            throw new JomaException("CheckpointIsTrainingRun", JomaErrorKind.InvalidArgument,
                $"'{folder}' is a Start-JomaTraining run{(run == folder ? "" : " checkpoint")}, not a Hugging Face model folder (it has no config.json). " +
                $"Import-JomaCheckpoint opens Pythia/OPT checkpoints only. For a run's own checkpoints use Measure-JomaTokenAttention -Path '{run}' " +
                "(attention of every checkpoint), or the snapshots Start-JomaTraining streams (Measure-AttentionSparsity, Measure-JomaStableRank).");
        var config = CheckpointConfig.Read(Path.Combine(folder, ConfigFileName));
        var chosen = format == CheckpointWeightFormat.Auto ? DetectFormat(folder) : format;
        var paths = chosen == CheckpointWeightFormat.Safetensors
            ? WeightPaths(folder, SafetensorsFileName, SafetensorsIndexFileName)
            : WeightPaths(folder, PyTorchBinFileName, PyTorchBinIndexFileName);
        var files = paths.Select(p => new CheckpointWeightFile(p)).ToList();
        CheckSizeAgainstWeights(folder, config, files);
        var headers = chosen == CheckpointWeightFormat.Safetensors ? paths.Select(SafetensorsFile.Open).ToList() : new List<SafetensorsFile>();
        return new HuggingFaceCheckpoint(folder, config, chosen, files, headers);
    }

    /// <summary>
    /// Refuses a config.json that describes more parameters than the weight files can hold (at 2 bytes each, the
    /// smallest stored dtype), before anything is allocated: an edited or mismatched config must not exhaust memory.
    /// </summary>
    static void CheckSizeAgainstWeights(string folder, CheckpointConfig config, IReadOnlyList<CheckpointWeightFile> files)
    {
        double stored = files.Sum(f => (double)f.Bytes);
        double needed = config.MinimumParameters() * 2;
        if (needed > stored * 1.01 + (1 << 20))
            throw new JomaException("CheckpointConfigTooLarge", JomaErrorKind.LimitsExceeded,
                $"'{Path.Combine(folder, ConfigFileName)}' describes a model of at least {config.MinimumParameters():0.###e0} parameters " +
                $"({config.Layers} layers, hidden size {config.HiddenSize}; at least {Size(needed)} at 16 bits), but its weight files hold only {Size(stored)}. " +
                "The config does not belong to these weights (edited, or from another model); nothing was loaded. Restore the model's own config.json.");
    }

    static string Size(double bytes) => bytes >= 1e12 ? $"{bytes / 1e12:0.#} TB" : bytes >= 1e9 ? $"{bytes / 1e9:0.#} GB" : bytes >= 1e6 ? $"{bytes / 1e6:0.#} MB" : $"{bytes / 1e3:0.#} kB";

    /// <summary>The run folder when <paramref name="folder"/> is a training run or one of its checkpoints (state.json beside model.safetensors); else null.</summary>
    static string? RunCheckpointOf(string folder)
    {
        if (File.Exists(Path.Combine(folder, "config.yaml")) && Directory.Exists(Path.Combine(folder, "checkpoints"))) return folder;
        if (File.Exists(Path.Combine(folder, "state.json")) && File.Exists(Path.Combine(folder, SafetensorsFileName)))
            return Path.GetDirectoryName(Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar))) ?? folder;
        if (Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)) == "checkpoints" && File.Exists(Path.Combine(Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar))!, "config.yaml")))
            return Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar));
        return null;
    }

    static CheckpointWeightFormat DetectFormat(string folder)
    {
        if (File.Exists(Path.Combine(folder, SafetensorsFileName)) || File.Exists(Path.Combine(folder, SafetensorsIndexFileName)))
            return CheckpointWeightFormat.Safetensors;
        if (File.Exists(Path.Combine(folder, PyTorchBinFileName)) || File.Exists(Path.Combine(folder, PyTorchBinIndexFileName)))
            return CheckpointWeightFormat.PyTorchBin;
        throw new JomaException("CheckpointWeightsMissing", JomaErrorKind.ObjectNotFound,
            $"'{folder}' has no {SafetensorsFileName}, {SafetensorsIndexFileName}, {PyTorchBinFileName} or {PyTorchBinIndexFileName}. Download the weights too, not only config.json.");
    }

    /// <summary>The single weight file, or the shards its index names (each checked to stay inside the folder).</summary>
    static List<string> WeightPaths(string folder, string single, string index)
    {
        var singlePath = Path.Combine(folder, single);
        if (File.Exists(singlePath)) return [singlePath];
        var indexPath = Path.Combine(folder, index);
        if (!File.Exists(indexPath))
            throw new JomaException("CheckpointWeightsMissing", JomaErrorKind.ObjectNotFound, $"'{folder}' has neither {single} nor {index}.");
        List<string> shards;
        try
        {
            using var document = JsonDocument.Parse(CheckpointConfig.ReadJsonBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw IndexInvalid(indexPath, "it has no 'weight_map' object");
            shards = map.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()!
                : throw IndexInvalid(indexPath, $"the entry for '{p.Name}' is not a file name")).Distinct().ToList();
        }
        catch (JsonException e) { throw IndexInvalid(indexPath, $"it is not valid JSON ({e.Message})"); }
        if (shards.Count == 0) throw IndexInvalid(indexPath, "its weight_map is empty");
        var root = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        var result = new List<string>();
        foreach (var shard in shards.OrderBy(s => s, StringComparer.Ordinal))
        {
            var full = Path.GetFullPath(Path.Combine(folder, shard));
            bool escapes = shard.Length == 0 || Path.IsPathRooted(shard) || shard.Split('/', '\\').Contains("..")
                || !full.StartsWith(root, StringComparison.Ordinal);
            if (escapes)
                throw new JomaException("CheckpointShardPathEscapes", JomaErrorKind.InvalidData,
                    $"'{indexPath}' names shard '{shard}', which is outside the checkpoint folder. Shards must be plain file names next to the index; the index is corrupt or hostile.");
            if (!File.Exists(full))
                throw new JomaException("CheckpointWeightsMissing", JomaErrorKind.ObjectNotFound, $"Shard '{shard}' named by '{indexPath}' does not exist. Download all shards.");
            result.Add(full);
        }
        return result;
    }

    static JomaException IndexInvalid(string path, string detail) =>
        new("CheckpointIndexInvalid", JomaErrorKind.InvalidData, $"'{path}' is not a valid weight index: {detail}. Re-download it.");

    /// <summary>
    /// Reads every weight the architecture needs, mapped to canonical names and checked against config.json's shapes.
    /// Floating weights become float32 unless <paramref name="keepStoredDType"/> (then fp16/bf16 stay as stored).
    /// Stale buffers are skipped; a missing tied output embedding is shared with the input embedding.
    /// Errors: CheckpointShapeMismatch, CheckpointTensorMissing, CheckpointDuplicateTensor, and the file readers' errors.
    /// NaN values do not throw: they are listed in <see cref="CheckpointWeights.Warnings"/>.
    /// </summary>
    public CheckpointWeights LoadWeights(bool keepStoredDType = false)
    {
        NativeLibraries.EnsureLoaded();
        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        var warnings = new List<string>();
        try
        {
            if (WeightFormat == CheckpointWeightFormat.Safetensors) LoadSafetensors(tensors, warnings, keepStoredDType);
            else LoadPyTorchBin(tensors, warnings, keepStoredDType);
            CompleteAndCheck(tensors, warnings);
        }
        catch
        {
            foreach (var t in tensors.Values.Distinct(ReferenceEqualityComparer.Instance).Cast<torch.Tensor>()) t.Dispose();
            throw;
        }
        return new CheckpointWeights(Config, tensors, warnings);
    }

    void LoadSafetensors(Dictionary<string, torch.Tensor> tensors, List<string> warnings, bool keepStoredDType)
    {
        foreach (var file in safetensors)
        {
            foreach (var info in file.Tensors.OrderBy(t => t.Begin))
            {
                var name = Accept(info.Name, tensors, warnings, file.Path);
                if (name is null) continue;
                CheckShape(name, info.Shape, info.Name, file.Path);
                using var scope = torch.NewDisposeScope();
                tensors[name] = file.ReadTensor(info.Name, keepStoredDType).DetachFromDisposeScope();
            }
        }
    }

    void LoadPyTorchBin(Dictionary<string, torch.Tensor> tensors, List<string> warnings, bool keepStoredDType)
    {
        foreach (var file in WeightFiles)
        {
            var stateDict = PyTorchBinFile.ReadStateDict(file.Path);
            try
            {
                foreach (var (key, tensor) in stateDict.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    var name = Accept(key, tensors, warnings, file.Path);
                    if (name is null) continue;
                    CheckShape(name, tensor.shape, key, file.Path);
                    bool isHalf = tensor.dtype is torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float64;
                    tensors[name] = isHalf && !keepStoredDType ? tensor.to_type(torch.ScalarType.Float32).DetachFromDisposeScope() : tensor.contiguous().DetachFromDisposeScope();
                }
            }
            finally
            {
                var kept = new HashSet<object>(tensors.Values, ReferenceEqualityComparer.Instance);
                foreach (var t in stateDict.Values) if (!kept.Contains(t)) t.Dispose();
            }
        }
    }

    /// <summary>The canonical name for a stored key, or null to skip it (stale buffer or not part of the model).</summary>
    string? Accept(string key, Dictionary<string, torch.Tensor> tensors, List<string> warnings, string file)
    {
        if (CheckpointTensorLayout.IsStaleBuffer(key)) return null;
        var name = Layout.Canonical(key);
        if (name is null)
        {
            warnings.Add($"Ignored tensor '{key}' in '{Path.GetFileName(file)}': it is not part of the {Config.ModelType} architecture.");
            return null;
        }
        if (tensors.ContainsKey(name))
            throw new JomaException("CheckpointDuplicateTensor", JomaErrorKind.InvalidData,
                $"'{file}' stores weight '{name}' more than once (as '{key}' and under another prefix or shard). The checkpoint is inconsistent; re-export it.");
        return name;
    }

    void CheckShape(string name, long[] actual, string key, string file)
    {
        var expected = Layout.Expected[name];
        if (!expected.SequenceEqual(actual))
            throw new JomaException("CheckpointShapeMismatch", JomaErrorKind.InvalidData,
                $"Tensor '{key}' in '{file}' has shape [{string.Join(", ", actual)}] but config.json implies [{string.Join(", ", expected)}]. " +
                "The weights do not belong to this config.json (wrong revision or edited config).");
    }

    void CompleteAndCheck(Dictionary<string, torch.Tensor> tensors, List<string> warnings)
    {
        if (!tensors.ContainsKey(Layout.OutputEmbeddingName) && Layout.OutputMayBeTied && tensors.TryGetValue(Layout.InputEmbeddingName, out var input))
            tensors[Layout.OutputEmbeddingName] = input; // tied: the same tensor object
        var missing = Layout.Expected.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new JomaException("CheckpointTensorMissing", JomaErrorKind.InvalidData,
                $"The checkpoint in '{Folder}' lacks {missing.Count} weight(s) the {Config.ModelType} architecture needs, e.g. {string.Join(", ", missing.Take(5))}. " +
                "Download every shard, or check that config.json belongs to these weights.");
        foreach (var (name, tensor) in tensors)
        {
            if (!tensor.is_floating_point()) continue;
            using var scope = torch.NewDisposeScope();
            var isNan = tensor.isnan();
            if (!isNan.any().item<bool>()) continue;
            long nans = isNan.count_nonzero().item<long>(); // not sum(): that widens the mask to int64 (8 bytes per weight) first
            warnings.Add($"Weight '{name}' contains {nans} NaN value(s); outputs that depend on it will be NaN.");
        }
    }
}
