using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// A training run on disk: config.yaml (resolved), vocab.txt, metrics.jsonl (one line per snapshot,
/// appended as training goes) and checkpoints/step-NNNNNNNN/ (model.safetensors, optimizer.pt, state.json
/// with each file's SHA-256). A checkpoint is written into a .partial folder and renamed when complete,
/// so an interrupted write never leaves a checkpoint that looks valid.
/// </summary>
public sealed class RunFolder
{
    const string ModelFile = "model.safetensors", OptimizerFile = "optimizer.pt", StateFile = "state.json", PartialSuffix = ".partial";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string ConfigPath => System.IO.Path.Combine(Path, "config.yaml");
    public string VocabularyPath => System.IO.Path.Combine(Path, "vocab.txt");
    public string MetricsPath => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string CheckpointsPath => System.IO.Path.Combine(Path, "checkpoints");
    /// <summary>The latent tree of a hierarchical run (JSON, see Hierarchy.LatentTreeFile).</summary>
    public string TreePath => System.IO.Path.Combine(Path, "tree.json");

    public bool HoldsRun => File.Exists(ConfigPath) || File.Exists(MetricsPath) || Directory.Exists(CheckpointsPath);

    /// <summary>Makes the folder ready for a new run; refuses to overwrite an existing run unless <paramref name="force"/>.</summary>
    public void PrepareNew(bool force)
    {
        if (HoldsRun)
        {
            if (!force)
                throw new JomaException("RunExists", JomaErrorKind.InvalidOperation,
                    $"'{Path}' already holds a training run. Use -ResumeFrom to continue it, -Force to replace it, or another -OutputDirectory.");
            FileWrites.Guard(Path, () =>
            {
                foreach (var file in new[] { ConfigPath, VocabularyPath, MetricsPath, TreePath }) File.Delete(file);
                if (Directory.Exists(CheckpointsPath)) Directory.Delete(CheckpointsPath, recursive: true);
            });
        }
        FileWrites.Guard(Path, () => Directory.CreateDirectory(CheckpointsPath));
    }

    public string CheckpointFolder(long step) => System.IO.Path.Combine(CheckpointsPath, $"step-{step:D8}");

    /// <summary>
    /// Writes a checkpoint atomically (model, optimizer, <paramref name="state"/> with libtorch's generator state and
    /// file hashes; a partial folder renamed when complete), then keeps the newest <paramref name="keepLast"/> and every
    /// <paramref name="keepEvery"/>-th. Returns the checkpoint's folder.
    /// </summary>
    public string WriteCheckpoint(nn.Module model, OptimizerHelper optimizer, TrainingCheckpointState state, int keepLast, int keepEvery)
    {
        state = state with { RngState = CaptureRngState() };
        var final = CheckpointFolder(state.Step);
        var partial = final + PartialSuffix;
        // A failure (full disk, read-only folder) or an interruption deletes the .partial folder: nothing half-written stays on disk.
        FileWrites.Guard(final, () =>
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            Directory.CreateDirectory(partial);
            model.save_safetensors(System.IO.Path.Combine(partial, ModelFile));
            optimizer.save_py(System.IO.Path.Combine(partial, OptimizerFile));
            var files = new[] { ModelFile, OptimizerFile }.ToDictionary(f => f, f => Sha256(System.IO.Path.Combine(partial, f)));
            File.WriteAllText(System.IO.Path.Combine(partial, StateFile), JsonSerializer.Serialize(state with { Files = files }, Json));
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(partial, final);
        }, partial);
        FileWrites.Guard(CheckpointsPath, () => Prune(keepLast, keepEvery));
        return final;
    }

    /// <summary>The newest complete checkpoint, verified against its recorded hashes; null when there is none.</summary>
    public (string Folder, TrainingCheckpointState State)? LatestCheckpoint()
    {
        var latest = CheckpointFolders().LastOrDefault();
        if (latest is null) return null;
        return (latest, ReadVerifiedState(latest));
    }

    /// <summary>The complete checkpoint folders (step-N, no .partial), in step order; empty when there are none.</summary>
    public IReadOnlyList<string> CheckpointFolders()
    {
        if (!Directory.Exists(CheckpointsPath)) return [];
        return Directory.GetDirectories(CheckpointsPath, "step-*")
            .Select(folder => (Folder: folder, Step: StepOf(folder)))
            .Where(c => c.Step is not null)
            .OrderBy(c => c.Step)
            .Select(c => c.Folder).ToList();
    }

    /// <summary>The step a checkpoint folder's name (step-NNNNNNNN) gives; null for anything else (a .partial folder).</summary>
    public static long? StepOf(string checkpointFolder)
    {
        var name = System.IO.Path.GetFileName(checkpointFolder.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));
        return name.StartsWith("step-", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan("step-".Length), System.Globalization.NumberStyles.None, null, out var step) ? step : null;
    }

    /// <summary>
    /// Where a resumed run starts: its newest verified checkpoint, with metrics lines written after it dropped;
    /// or null (start from step 0) with every metrics line dropped, as they belong to an attempt that died
    /// before its first checkpoint.
    /// </summary>
    public (string Folder, TrainingCheckpointState State)? ResumePoint()
    {
        var latest = LatestCheckpoint();
        TruncateMetricsAfter(latest?.State.Step ?? -1);
        return latest;
    }

    /// <summary>A checkpoint's state.json, with every file it records checked against its SHA-256 (what resuming needs).</summary>
    public static TrainingCheckpointState ReadVerifiedState(string folder) => ReadVerifiedState(folder, modelOnly: false);

    /// <summary>
    /// A checkpoint's state.json, with model.safetensors checked against its recorded SHA-256 (what inference needs:
    /// the optimizer's file, twice the model's size under Adam, is neither read nor required).
    /// </summary>
    public static TrainingCheckpointState ReadVerifiedModelState(string folder) => ReadVerifiedState(folder, modelOnly: true);

    static TrainingCheckpointState ReadVerifiedState(string folder, bool modelOnly)
    {
        var state = ReadState(folder);
        foreach (var (file, hash) in state.Files)
        {
            if (modelOnly && file != ModelFile) continue;
            var path = System.IO.Path.Combine(folder, file);
            if (!File.Exists(path)) throw Corrupt(folder, $"{file} is missing", null);
            if (!string.Equals(Sha256(path), hash, StringComparison.OrdinalIgnoreCase)) throw Corrupt(folder, $"{file} does not match its recorded SHA-256 (truncated or modified)", null);
        }
        return state;
    }

    /// <summary>A checkpoint's state.json as recorded, its files not yet checked (listing a run's checkpoints by step).</summary>
    public static TrainingCheckpointState ReadState(string folder)
    {
        TrainingCheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<TrainingCheckpointState>(File.ReadAllText(System.IO.Path.Combine(folder, StateFile)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw Corrupt(folder, $"its {StateFile} cannot be read ({e.Message})", e);
        }
        if (state is null || state.Files.Count == 0) throw Corrupt(folder, $"its {StateFile} is empty", null);
        if (!state.Files.ContainsKey(ModelFile)) throw Corrupt(folder, $"its {StateFile} records no {ModelFile}", null);
        return state;
    }

    /// <summary>Whether <paramref name="folder"/> looks like a checkpoint (it holds a state.json).</summary>
    public static bool IsCheckpointFolder(string folder) => File.Exists(System.IO.Path.Combine(folder, StateFile));

    static JomaException Corrupt(string folder, string why, Exception? inner) =>
        new("CheckpointCorrupt", JomaErrorKind.InvalidData,
            $"Checkpoint '{folder}' is not usable: {why}. Delete that folder to resume from the previous checkpoint.", inner);

    public static void LoadCheckpoint(string folder, nn.Module model, OptimizerHelper optimizer, TrainingCheckpointState state)
    {
        LoadModel(folder, model);
        optimizer.load_py(System.IO.Path.Combine(folder, OptimizerFile));
        using var rng = tensor(Convert.FromBase64String(state.RngState), ScalarType.Byte);
        set_rng_state(rng);
    }

    /// <summary>The weights file of a checkpoint folder.</summary>
    public static string ModelPath(string folder) => System.IO.Path.Combine(folder, ModelFile);

    /// <summary>Loads a checkpoint's weights alone into <paramref name="model"/> (no optimizer, no generator state): for inference.</summary>
    public static void LoadModel(string folder, nn.Module model) => model.load_safetensors(ModelPath(folder));

    static string CaptureRngState()
    {
        using var rng = get_rng_state();
        return Convert.ToBase64String(rng.data<byte>().ToArray());
    }

    /// <summary>Keeps the newest <paramref name="keepLast"/> checkpoints and every one whose step is a multiple of <paramref name="keepEvery"/>.</summary>
    void Prune(int keepLast, int keepEvery)
    {
        var all = CheckpointFolders().Reverse();
        foreach (var folder in all.Skip(Math.Max(1, keepLast)))
        {
            long step = StepOf(folder)!.Value;
            if (keepEvery > 0 && step % keepEvery == 0) continue;
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Appends one snapshot's numbers (not its maps) as a JSON line and flushes it.</summary>
    public void AppendMetrics(JomaTrainingSnapshot s)
    {
        AppendMetricsLine(new
        {
            s.Run, s.Step, s.Epoch, s.TrainLoss, s.ValidationLoss, s.ValidationPerplexity, s.LearningRate, LayerEntropy = s.LayerEntropy.ToArray(),
            HeadEntropy = s.HeadEntropy.Select(layer => layer.ToArray()).ToArray(), StableRank = s.StableRank.ToArray(), s.CheckpointPath, s.TokensPerSecond, s.ElapsedSeconds,
        });
    }

    /// <summary>Appends any record (which must have a Step) as one JSON line and flushes it to disk.</summary>
    public void AppendMetricsLine(object record)
    {
        var line = JsonSerializer.Serialize(record);
        FileWrites.Guard(MetricsPath, () =>
        {
            using var stream = new FileStream(MetricsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(line);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>Drops metrics lines written after <paramref name="step"/> (an evaluation whose checkpoint was lost).</summary>
    public void TruncateMetricsAfter(long step)
    {
        if (!File.Exists(MetricsPath)) return;
        var kept = File.ReadAllLines(MetricsPath).Where(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.GetProperty("Step").GetInt64() <= step;
        }).ToArray();
        FileWrites.WriteAtomically(MetricsPath, temp => File.WriteAllLines(temp, kept));
    }

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
