using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using JoMA.Engine;
using JoMA.Engine.Checkpoints;
using JoMA.Engine.Config;
using JoMA.Engine.Metrics;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Text;
using JoMA.Engine.Training;
using TorchSharp;

namespace JoMA.DeviceCheck;

/// <summary>
/// joma-device-check: the engine's training and attention extraction on a chosen device, results as JSON.
/// Exit codes: 0 done; 2 the engine refused (a JomaException: its id and message on stderr, and in the JSON when --out is given);
/// 64 bad command line; 70 anything else.
/// </summary>
public static class Program
{
    public const string Usage = """
        usage: joma-device-check <command> [options]

        commands:
          info                      torch version, CUDA availability and device count, natives loaded
          train                     the reference Wikitext model (batch 20 x bptt 35, d 200, 1 head, Adam 1e-4, clip 0.5)
              --layers N            Transformer layers (default 2)
              --steps N             minibatches to train (default 300)
              --warmup N            steps left out of tokens/s (default 5)
              --dropout X           dropout (default 0.2, the reference; 0 makes CPU and CUDA runs comparable step by step)
              --seed N              (default 1)
              --corpus DIR          Wikitext folder (default: data/austen-kjv beside the program, else under the current folder)
              --ids-out FILE        also write the training split's token ids as a JSON array (for the PyTorch peer)
              --validation-lines N  evaluate on the validation split's first N lines only (default: all of it)
          extract                   attention of a random GPT-NeoX checkpoint on token ids (i*7919) mod vocab
              --shape NAME          tiny | pythia-70m | pythia-410m | pythia-1.4b (default tiny)
              --checkpoint DIR      the checkpoint folder; written (seed 0) when it holds no model.safetensors
              --window N            tokens per window (default 128)
              --windows N           windows timed after one warm-up window (default 2)
              --reduce-only         statistics only (no maps kept)
              --maps-out DIR        write window 0's maps of the first and last layer as raw float32 (not with --reduce-only)
          write-checkpoint          only write the random checkpoint (--shape, --checkpoint)

        common options:
          --device cpu|cuda|auto    (default cpu); cuda without a usable GPU fails with error CudaUnavailable (exit 2)
          --threads N               CPU threads for libtorch (default: libtorch's choice)
          --out FILE                write the JSON result here (default: stdout)

        JOMA_LIBTORCH_DIR names the libtorch lib folder to load (e.g. a PyTorch install's torch/lib); LibTorchSharp is
        taken from beside the program unless that folder holds one.
        """;

    public static int Main(string[] args)
    {
        Arguments a;
        try
        {
            a = Arguments.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"joma-device-check: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 64;
        }
        if (a.Command == "help")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        try
        {
            if (a.Threads is { } threads) { NativeLibraries.EnsureLoaded(); torch.set_num_threads(threads); }
            var result = a.Command switch
            {
                "info" => Info(),
                "train" => Train(a),
                "extract" => Extract(a),
                "write-checkpoint" => WriteCheckpoint(a),
                _ => throw new UsageException($"unknown command '{a.Command}'"),
            };
            result["command"] = a.Command;
            result["ok"] = true;
            Emit(a, result);
            return 0;
        }
        catch (JomaException e)
        {
            Console.Error.WriteLine($"joma-device-check: error {e.ErrorId}: {e.Message}");
            Emit(a, new JsonObject { ["command"] = a.Command, ["ok"] = false, ["error_id"] = e.ErrorId, ["message"] = e.Message }, quiet: true);
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"joma-device-check: unexpected {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine(e.StackTrace);
            Emit(a, new JsonObject { ["command"] = a.Command, ["ok"] = false, ["error_id"] = e.GetType().Name, ["message"] = e.Message }, quiet: true);
            return 70;
        }
    }

    static void Emit(Arguments a, JsonObject result, bool quiet = false)
    {
        var text = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (a.Out is { } path)
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full + ".tmp", text);
            File.Move(full + ".tmp", full, overwrite: true);
        }
        else if (!quiet) Console.WriteLine(text);
    }

    static torch.Device Device(Arguments a) => ComputeDevice.Resolve(Trainer.ParseDevice(a.Device));

    static JsonObject Info()
    {
        var report = DeviceReport.Capture();
        var o = new JsonObject
        {
            ["torch_version"] = report.TorchVersion,
            ["torchsharp_version"] = report.TorchSharpVersion,
            ["threads"] = report.Threads,
            ["cuda_available"] = report.CudaAvailable,
            ["cuda_device_count"] = report.CudaDeviceCount,
            ["libtorch_directory"] = report.LibTorchDirectory,
            ["loaded_libraries"] = new JsonArray(report.LoadedLibraries.Select(l => (JsonNode?)l).ToArray()),
        };
        if (report.CudaAvailable)
        {
            // A small matmul on the GPU proves the kernels run, not just that the device initialises.
            using var x = torch.ones(256, 256, device: torch.CUDA);
            o["cuda_matmul_sum"] = x.matmul(x).sum().item<float>();
        }
        return o;
    }

    static string DefaultCorpus()
    {
        foreach (var root in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            var candidate = Path.Combine(root, "data", "austen-kjv");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw JomaException.Argument("CorpusMissing", "No data/austen-kjv beside the program or under the current folder: give --corpus <Wikitext folder>.");
    }

    static JsonObject Train(Arguments a)
    {
        var config = new TrainingConfig { Seed = a.Seed, Device = a.Device, Run = "device-check" };
        config.Data.Corpus = Path.GetFullPath(a.Corpus ?? DefaultCorpus());
        string? shortValidation = null;
        if (a.ValidationLines is { } lines)
        {
            // Evaluation at step 0 and at the end reads the whole validation split; a short one keeps CPU test runs quick.
            var splits = WikitextCorpus.FromFolder(config.Data.Corpus);
            shortValidation = Path.Combine(Path.GetTempPath(), $"joma-device-check-valid-{Environment.ProcessId}.tokens");
            File.WriteAllLines(shortValidation, WikitextCorpus.Lines(splits.ValidationPath).Take(lines));
            (config.Data.TrainPath, config.Data.ValidationPath, config.Data.Corpus) = (splits.TrainPath, shortValidation, null);
        }
        config.Model.Layers = a.Layers;
        config.Model.Dropout = a.Dropout;
        config.Training.MaxSteps = a.Steps;
        config.Training.EvaluateEvery = a.Steps;      // snapshots at step 0 and after the last step only
        config.Training.Epochs = 1000;                // MaxSteps ends the run
        var device = Device(a);                       // the clear CudaUnavailable error before any corpus work

        int? vocabularySize = null;
        if (a.IdsOut is { } idsOut)
        {
            var trainPath = config.Data.TrainPath ?? WikitextCorpus.FromFolder(config.Data.Corpus!).TrainPath;
            var vocabulary = Vocabulary.Build(WikitextCorpus.Lines(trainPath), config.Data.MinFrequency, config.Data.MaxVocabulary);   // as the Trainer builds it
            var ids = vocabulary.Encode(WikitextCorpus.Lines(trainPath));
            File.WriteAllText(idsOut, "[" + string.Join(",", ids) + "]");
            vocabularySize = vocabulary.Count;
        }

        var losses = new List<double>();
        var stepSeconds = new List<double>();
        var snapshots = new List<JomaTrainingSnapshot>();
        long lastSnapshotStep = 0;
        double previousMean = 0;
        var clock = new Stopwatch();
        var trainer = new Trainer(config, resume: false, force: false, log: m => Console.Error.WriteLine(m));
        try
        {
        trainer.Run(
            s => { snapshots.Add(s); lastSnapshotStep = s.Step; previousMean = 0; },
            p =>
            {
                // TrainLoss is the mean since the last snapshot: recover this step's own loss from the running mean.
                long n = p.Step - lastSnapshotStep;
                losses.Add(n * p.TrainLoss - (n - 1) * previousMean);
                previousMean = p.TrainLoss;
                stepSeconds.Add(clock.Elapsed.TotalSeconds);
                if (p.Step == 1) clock.Restart();
            });
        }
        finally
        {
            if (shortValidation is not null) File.Delete(shortValidation);
        }
        int warm = Math.Clamp(a.Warmup, 0, losses.Count - 1);
        double measured = stepSeconds[^1] - (warm > 0 ? stepSeconds[warm - 1] : 0);
        int measuredSteps = losses.Count - warm;
        var final = snapshots[^1];
        return new JsonObject
        {
            ["device"] = device.type.ToString().ToLowerInvariant(),
            ["libtorch_directory"] = NativeLibraries.TorchDirectory,
            ["threads"] = torch.get_num_threads(),
            ["layers"] = a.Layers,
            ["steps"] = losses.Count,
            ["batch"] = config.Data.BatchSize,
            ["bptt"] = config.Data.Bptt,
            ["model_dimension"] = config.Model.ModelDimension,
            ["dropout"] = a.Dropout,
            ["validation_lines"] = a.ValidationLines,
            ["vocabulary_size"] = vocabularySize,
            ["seed"] = a.Seed,
            ["warmup_steps"] = warm,
            ["tokens_per_second"] = measured > 0 ? measuredSteps * config.Data.BatchSize * config.Data.Bptt / measured : null,
            ["train_losses"] = Numbers(losses),
            ["initial_validation_loss"] = snapshots[0].ValidationLoss,
            ["final_step"] = final.Step,
            ["final_validation_loss"] = final.ValidationLoss,
            ["final_layer_entropy"] = Numbers(final.AttentionStatistics.Select(l => l.HeadAveraged.Entropy)),
        };
    }

    static RandomGptNeoXCheckpoint.Shape ShapeNamed(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => new(1000, 64, 2, 4, 256, 512),
        "pythia-70m" => RandomGptNeoXCheckpoint.Pythia70m,
        "pythia-410m" => new(50304, 1024, 24, 16, 4096, 2048),
        "pythia-1.4b" => new(50304, 2048, 24, 16, 8192, 2048),
        _ => throw JomaException.Argument("UnknownShape", $"Unknown --shape '{name}'. Use tiny, pythia-70m, pythia-410m or pythia-1.4b."),
    };

    static string EnsureCheckpoint(Arguments a, out double writeSeconds)
    {
        var folder = Path.GetFullPath(a.Checkpoint ?? Path.Combine(Path.GetTempPath(), "joma-device-check", a.Shape));
        writeSeconds = 0;
        if (!File.Exists(Path.Combine(folder, HuggingFaceCheckpoint.SafetensorsFileName)))
        {
            var clock = Stopwatch.StartNew();
            RandomGptNeoXCheckpoint.Write(folder, ShapeNamed(a.Shape), seed: 0);
            writeSeconds = clock.Elapsed.TotalSeconds;
        }
        return folder;
    }

    static JsonObject WriteCheckpoint(Arguments a)
    {
        var folder = EnsureCheckpoint(a, out var seconds);
        return new JsonObject { ["checkpoint"] = folder, ["shape"] = a.Shape, ["write_seconds"] = seconds };
    }

    static JsonObject Extract(Arguments a)
    {
        var device = Device(a);
        var folder = EnsureCheckpoint(a, out var writeSeconds);
        using var checkpoint = JomaCheckpoint.Open(folder, model: "random-" + a.Shape);
        var loadClock = Stopwatch.StartNew();
        var model = checkpoint.GetModel();
        if (model.Device.type != device.type) model.MoveTo(device);
        double loadSeconds = loadClock.Elapsed.TotalSeconds;
        var extractor = new AttentionExtractor(checkpoint, model, null, new AttentionExtractionOptions
        {
            WindowLength = a.Window, ReduceOnly = a.ReduceOnly,
        });
        int vocab = checkpoint.VocabSize;
        var ids = Enumerable.Range(0, a.Window * a.Windows).Select(i => (int)((long)i * 7919 % vocab)).ToArray();
        var windows = extractor.Windows(ids).ToList();
        extractor.Run(0, windows[0]);                 // warm-up: kernels for this shape
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
        var samples = new List<(int Window, LayerAttentionStatistics[] Statistics)>();
        var clock = Stopwatch.StartNew();
        for (int w = 0; w < windows.Count; w++)
        {
            var sample = extractor.Run(w, windows[w]);
            if (a.MapsOut is { } mapsOut && w == 0 && sample.Probabilities is { } maps) WriteMaps(mapsOut, sample, maps);
            samples.Add((sample.Window, sample.Statistics));   // statistics kept; maps dropped as they stream
        }
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
        double seconds = clock.Elapsed.TotalSeconds;
        var perWindow = new JsonArray();
        foreach (var s in samples)
            perWindow.Add(new JsonObject
            {
                ["window"] = s.Window,
                ["layer_entropy"] = Numbers(s.Statistics.Select(l => l.HeadAveraged.Entropy)),
                ["head_entropy"] = new JsonArray(s.Statistics.Select(l => (JsonNode?)Numbers(l.PerHead.Select(h => h.Entropy))).ToArray()),
            });
        return new JsonObject
        {
            ["device"] = device.type.ToString().ToLowerInvariant(),
            ["libtorch_directory"] = NativeLibraries.TorchDirectory,
            ["threads"] = torch.get_num_threads(),
            ["shape"] = a.Shape,
            ["checkpoint"] = folder,
            ["parameters"] = checkpoint.Parameters,
            ["layers"] = checkpoint.Layers,
            ["heads"] = checkpoint.Heads,
            ["window"] = a.Window,
            ["windows"] = windows.Count,
            ["reduce_only"] = a.ReduceOnly,
            ["checkpoint_write_seconds"] = writeSeconds,
            ["load_seconds"] = loadSeconds,
            ["seconds"] = seconds,
            ["tokens_per_second"] = windows.Sum(w => w.Length) / seconds,
            ["peak_rss_mib"] = PeakResidentMiB(),
            ["samples"] = perWindow,
        };
    }

    /// <summary>Window 0's maps of the first and last present layer: layer{L}.f32, [heads, T, T] float32 little-endian.</summary>
    static void WriteMaps(string folder, AttentionSample sample, float[][] maps)
    {
        Directory.CreateDirectory(folder);
        foreach (int index in new[] { 0, sample.Layers.Length - 1 }.Distinct())
        {
            var bytes = new byte[maps[index].Length * sizeof(float)];
            Buffer.BlockCopy(maps[index], 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(Path.Combine(folder, $"layer{sample.Layers[index]}.f32"), bytes);
        }
    }

    static double? PeakResidentMiB()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(new string(line.Where(char.IsDigit).ToArray()), CultureInfo.InvariantCulture) / 1024.0;
    }

    static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}

public sealed class UsageException(string message) : Exception(message);

/// <summary>The command line: a command, then --name value options (flags take no value).</summary>
public sealed record Arguments
{
    public string Command { get; init; } = "help";
    public string Device { get; init; } = "cpu";
    public string? Out { get; init; }
    public int? Threads { get; init; }
    public int Layers { get; init; } = 2;
    public int Steps { get; init; } = 300;
    public int Warmup { get; init; } = 5;
    public double Dropout { get; init; } = 0.2;
    public long Seed { get; init; } = 1;
    public string? Corpus { get; init; }
    public string? IdsOut { get; init; }
    public int? ValidationLines { get; init; }
    public string Shape { get; init; } = "tiny";
    public string? Checkpoint { get; init; }
    public int Window { get; init; } = 128;
    public int Windows { get; init; } = 2;
    public bool ReduceOnly { get; init; }
    public string? MapsOut { get; init; }

    public static Arguments Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help") return new Arguments();
        var a = new Arguments { Command = args[0] };
        if (a.Command is not ("info" or "train" or "extract" or "write-checkpoint"))
            throw new UsageException($"unknown command '{a.Command}'");
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{name} needs a value");
            int Int(int min) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v : throw new UsageException($"{name} takes a whole number >= {min} (got '{args[i]}')");
            a = name switch
            {
                "--device" => a with { Device = Value().ToLowerInvariant() is var d && d is "cpu" or "cuda" or "auto" ? d : throw new UsageException($"--device takes cpu, cuda or auto (got '{args[i]}')") },
                "--out" => a with { Out = Value() },
                "--threads" => a with { Threads = Int(1) },
                "--layers" => a with { Layers = Int(1) },
                "--steps" => a with { Steps = Int(1) },
                "--warmup" => a with { Warmup = Int(0) },
                "--dropout" => a with { Dropout = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and < 1 ? p : throw new UsageException($"--dropout takes a number in [0, 1) (got '{args[i]}')") },
                "--seed" => a with { Seed = long.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : throw new UsageException($"--seed takes a whole number (got '{args[i]}')") },
                "--corpus" => a with { Corpus = Value() },
                "--ids-out" => a with { IdsOut = Value() },
                "--validation-lines" => a with { ValidationLines = Int(1) },
                "--shape" => a with { Shape = Value().ToLowerInvariant() },
                "--checkpoint" => a with { Checkpoint = Value() },
                "--window" => a with { Window = Int(1) },
                "--windows" => a with { Windows = Int(1) },
                "--reduce-only" => a with { ReduceOnly = true },
                "--maps-out" => a with { MapsOut = Value() },
                _ => throw new UsageException($"unknown option '{name}'"),
            };
        }
        return a;
    }
}
