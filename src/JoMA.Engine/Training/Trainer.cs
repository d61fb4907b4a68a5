using System.Diagnostics;
using JoMA.Engine.Config;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// Trains the reference language model (SCIENCE.md §4) on a Wikitext-format corpus, evaluating at step 0
/// and every EvaluateEvery minibatches, writing checkpoints and metrics to the run folder, and resuming from
/// the newest checkpoint bit for bit on the CPU. Cancellation stops at a minibatch boundary after writing a
/// checkpoint. Runs on the caller's thread, so callbacks may write to a PowerShell pipeline.
/// Dropout draws from libtorch's process-wide generator, so exact reproduction needs one run per process at a
/// time (Start-JomaSweep runs trials as separate processes for that reason).
/// </summary>
public sealed class Trainer
{
    readonly TrainingConfig config;
    readonly RunFolder? folder;
    readonly bool resume;
    readonly Action<string> log, warn;

    /// <param name="config">The resolved experiment; its paths must be absolute.</param>
    /// <param name="resume">Continue the run in Training.OutputDirectory from its newest checkpoint.</param>
    /// <param name="force">Replace a run already in Training.OutputDirectory.</param>
    public Trainer(TrainingConfig config, bool resume, bool force, Action<string>? log = null, Action<string>? warn = null)
    {
        this.warn = warn ?? (_ => { });
        this.config = config;
        this.resume = resume;
        this.log = log ?? (_ => { });
        Validate(config);
        if (config.Training.OutputDirectory is { } output)
        {
            folder = new RunFolder(output);
            if (!resume) folder.PrepareNew(force);
            else if (!File.Exists(folder.ConfigPath))
                throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound, $"'{folder.Path}' holds no training run (no config.yaml) to resume.");
        }
        else if (resume)
            throw JomaException.Argument("ResumeNeedsFolder", "Resuming needs the run's folder (-ResumeFrom).");
        RunName = config.Run ?? (folder is null ? "run" : Path.GetFileName(folder.Path));
    }

    public string RunName { get; }

    public static void Validate(TrainingConfig config)
    {
        TrainingConfigRules.Validate(config);
        var t = config.Training;
        var d = config.Data;
        if (t.Epochs < 1) throw JomaException.Argument("EpochsNotPositive", $"-Epochs must be 1 or more (got {t.Epochs}).");
        EvaluationSchedule.From(t).Validate();
        if (t.MaxSteps is < 1) throw JomaException.Argument("MaxStepsNotPositive", $"-MaxSteps must be 1 or more (got {t.MaxSteps}).");
        if (t.KeepLast < 1) throw JomaException.Argument("KeepLastNotPositive", $"-KeepLast must be 1 or more (got {t.KeepLast}).");
        if (d.BatchSize < 1 || d.EvalBatchSize < 1 || d.Bptt < 1) throw JomaException.Argument("BatchShapeInvalid", "-BatchSize, eval_batch_size and -Bptt must be 1 or more.");
        if (!(config.Optimizer.Lr > 0 && double.IsFinite(config.Optimizer.Lr))) throw JomaException.Argument("LearningRateNotPositive", $"-LearningRate must be a finite number above 0 (got {config.Optimizer.Lr}).");
        if (!(config.Optimizer.Clip >= 0)) throw JomaException.Argument("GradientClipNegative", $"-GradientClip must be 0 (off) or more (got {config.Optimizer.Clip}).");
        if (!OptimizerFactory.Names.Contains(config.Optimizer.Name.ToLowerInvariant())) throw JomaException.Argument("UnknownOptimizer", $"Unknown optimizer '{config.Optimizer.Name}'. Use one of: {string.Join(", ", OptimizerFactory.Names)}.");
        if (!LearningRateSchedule.Kinds.Contains(config.Optimizer.Schedule.ToLowerInvariant())) throw JomaException.Argument("UnknownSchedule", $"Unknown schedule '{config.Optimizer.Schedule}'. Use one of: {string.Join(", ", LearningRateSchedule.Kinds)}.");
        ParseActivation(config.Model.Activation);
        ParseDevice(config.Device);
        if (d.Corpus is null && d.TrainPath is null) throw JomaException.Argument("CorpusMissing", "Name the text to train on: -Corpus <Wikitext folder>, or -TrainPath and -ValidationPath.");
    }

    /// <summary>The model a language-model run trains (and its checkpoints hold), from its config and vocabulary size.</summary>
    public static TransformerOptions ModelOptions(TrainingConfig config, int vocabularySize)
    {
        var m = config.Model;
        return new TransformerOptions
        {
            VocabularySize = vocabularySize, ModelDimension = m.ModelDimension, FeedForwardDimension = m.FeedForwardDimension, Heads = m.Heads,
            Layers = m.Layers, Dropout = m.Dropout, PreLayerNorm = m.PreLayerNorm, Activation = ParseActivation(m.Activation), TiedDecoder = m.TiedDecoder,
            MaxLength = Math.Max(5000, config.Data.Bptt),   // the positional table is a saved buffer: its length must match to load
        };
    }

    /// <summary>
    /// A bptt longer than the text is cut to the text (said, not silent); a window whose attention cannot fit in memory
    /// (batch × heads × length² per layer, kept for the backward pass) is refused before the model is built, with the estimate.
    /// </summary>
    public static void CheckWindowFits(TrainingConfig config, LanguageModelBatches train, LanguageModelBatches validation, Action<string> warn)
    {
        var d = config.Data; var m = config.Model;
        long length = Math.Min(d.Bptt, Math.Max(1, train.Rows - 1));
        if (d.Bptt > train.Rows - 1)
            warn($"-Bptt {d.Bptt} is longer than the training text allows at -BatchSize {d.BatchSize} ({train.Rows} rows per column): every window is {length} tokens long, one window per epoch. Use a smaller -Bptt or -BatchSize.");
        // Scores, probabilities and their gradients (float32) of every layer live until the backward pass.
        double attention = 3.0 * 4 * m.Layers * m.Heads * (double)d.BatchSize * length * length;
        double activations = 4.0 * 12 * m.Layers * (double)d.BatchSize * length * Math.Max(m.ModelDimension, m.FeedForwardDimension);
        double needed = attention + activations;
        double available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available > 0 && needed > available)
            throw new JomaException("WindowTooLarge", JomaErrorKind.LimitsExceeded,
                $"A training window of {length} tokens × batch {d.BatchSize} × {m.Heads} head(s) × {m.Layers} layer(s) needs about {needed / 1e9:N1} GB " +
                $"(attention grows with the square of -Bptt); this machine has {available / 1e9:N1} GB. Use a smaller -Bptt (the reference is 35) or -BatchSize.");
    }

    public static FeedForwardActivation ParseActivation(string value) =>
        Enum.TryParse<FeedForwardActivation>(value, true, out var a) ? a : throw JomaException.Argument("UnknownActivation", $"Unknown activation '{value}'. Use relu or gelu.");

    public static DevicePreference ParseDevice(string value) =>
        Enum.TryParse<DevicePreference>(value, true, out var p) ? p : throw JomaException.Argument("UnknownDevice", $"Unknown device '{value}'. Use auto, cpu or cuda.");

    public void Run(Action<JomaTrainingSnapshot> onSnapshot, Action<TrainingProgress>? onProgress = null, CancellationToken cancellation = default)
    {
        NativeLibraries.EnsureLoaded();
        MallocTuning.Apply();
        var device = ComputeDevice.Resolve(ParseDevice(config.Device));
        log($"Training on {device} with {get_num_threads()} CPU threads.");

        // Data: streamed from disk, only token ids kept.
        var corpus = config.Data.Corpus is { } c ? WikitextCorpus.FromFolder(c) : WikitextCorpus.FromFiles(config.Data.TrainPath!, config.Data.ValidationPath);
        foreach (var warning in corpus.EncodingWarnings) warn(warning);
        Vocabulary vocabulary;
        if (resume && folder is not null && File.Exists(folder.VocabularyPath)) vocabulary = Vocabulary.Load(folder.VocabularyPath);
        else
        {
            vocabulary = corpus.BuildVocabulary(config.Data.MinFrequency, config.Data.MaxVocabulary);
            if (folder is not null) { vocabulary.Save(folder.VocabularyPath); config.Save(folder.ConfigPath); }
        }
        if (resume && folder is not null) config.Save(folder.ConfigPath); // records the overrides given on resume
        log($"Corpus: {corpus.TrainPath} (vocabulary {vocabulary.Count}), validation {corpus.ValidationPath}.");
        var train = new LanguageModelBatches(corpus.Encode(vocabulary, corpus.TrainPath), config.Data.BatchSize, config.Data.Bptt);
        var validation = new LanguageModelBatches(corpus.Encode(vocabulary, corpus.ValidationPath), config.Data.EvalBatchSize, config.Data.Bptt);
        var windows = train.WindowStarts().ToArray();
        CheckWindowFits(config, train, validation, warn);

        manual_seed(config.Seed);
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(config.Seed);
        var m = config.Model;
        using var model = new TransformerLanguageModel(ModelOptions(config, vocabulary.Count));
        model.to(device);
        var o = config.Optimizer;
        OptimizerHelper NewOptimizer() => OptimizerFactory.Create(o.Name, model.parameters(), o.Lr, o.WeightDecay, o.Momentum);
        var optimizer = NewOptimizer();
        using var decoderLoss = new DecoderCrossEntropy();
        using var embeddingGradient = new EmbeddingGradient(model.Embedding);
        long totalSteps = Math.Min(config.Training.MaxSteps ?? long.MaxValue, (long)config.Training.Epochs * windows.Length);
        var schedule = new LearningRateSchedule(o.Schedule, o.Lr, o.WarmupSteps, totalSteps);

        long step = 0, tokensTrained = 0, lossCount = 0;
        int epoch = 1, windowInEpoch = 0;
        double lossSum = 0;
        var clock = Stopwatch.StartNew();
        var trainClock = new Stopwatch();
        long tokensAtSnapshot = 0;
        double trainSecondsAtSnapshot = 0;

        var checkpoint = resume ? folder!.ResumePoint() : null;
        if (checkpoint is { } found)
        {
            RunFolder.LoadCheckpoint(found.Folder, model, optimizer, found.State);
            (step, epoch, windowInEpoch, lossSum, lossCount, tokensTrained) =
                (found.State.Step, found.State.Epoch, found.State.WindowInEpoch, found.State.TrainLossSum, found.State.TrainLossCount, found.State.TrainedTokens);
            tokensAtSnapshot = tokensTrained;
            log($"Resumed from {found.Folder} at step {step} (epoch {epoch}, window {windowInEpoch}).");
        }
        else
        {
            if (resume) log("No checkpoint found in the run folder: starting it from step 0.");
            Snapshot();
        }

        string? Save()
        {
            if (folder is null) return null;
            return folder.WriteCheckpoint(model, optimizer, new TrainingCheckpointState
            {
                Step = step, Epoch = epoch, WindowInEpoch = windowInEpoch, TrainLossSum = lossSum, TrainLossCount = lossCount, TrainedTokens = tokensTrained,
            }, config.Training.KeepLast, config.Training.KeepEvery);
        }

        void Snapshot()
        {
            var result = Evaluator.Evaluate(model, validation, vocabulary, device, config.Training.ProbeWindows, RunName, step, cancellation);
            double? trainLoss = lossCount > 0 ? lossSum / lossCount : null;
            double trainSeconds = trainClock.Elapsed.TotalSeconds - trainSecondsAtSnapshot;
            double tokensPerSecond = trainSeconds > 0 ? (tokensTrained - tokensAtSnapshot) / trainSeconds : 0;
            lossSum = 0; lossCount = 0;                 // before Save: the checkpoint holds the state after this snapshot
            tokensAtSnapshot = tokensTrained; trainSecondsAtSnapshot = trainClock.Elapsed.TotalSeconds;
            var checkpointPath = Save();
            var layers = result.Layers;
            var heads = new double[layers.Length, m.Heads];
            for (int l = 0; l < layers.Length; l++)
                for (int h = 0; h < m.Heads; h++) heads[l, h] = layers[l].PerHead[h].Entropy;
            var snapshot = new JomaTrainingSnapshot
            {
                Run = RunName, Step = step, Epoch = step == 0 ? 0 : epoch, TrainLoss = trainLoss,
                ValidationLoss = result.Loss, ValidationPerplexity = Math.Exp(result.Loss), LearningRate = schedule.At(Math.Max(0, step - 1)),
                LayerEntropy = new(layers.Select(l => l.HeadAveraged.Entropy)), HeadEntropy = new(heads), StableRank = new(result.StableRank),
                AttentionStatistics = layers, Attention = result.Probe, CheckpointPath = checkpointPath,
                TokensPerSecond = tokensPerSecond, ElapsedSeconds = clock.Elapsed.TotalSeconds,
            };
            folder?.AppendMetrics(snapshot);
            onSnapshot(snapshot);
        }

        bool TrainStep()
        {
            // The position is normalised lazily, so a checkpoint written after an epoch's last window
            // resumes into the same optimizer reset as an uninterrupted run.
            if (step >= totalSteps) return false;
            if (windowInEpoch >= windows.Length) { epoch++; windowInEpoch = 0; }
            if (epoch > config.Training.Epochs) return false;
            if (windowInEpoch == 0 && epoch > 1 && o.ResetEachEpoch)
            {
                optimizer.Dispose();
                optimizer = NewOptimizer(); // the authors' quirk: Adam's moments start afresh every epoch
            }
            trainClock.Start();
            using (var scope = NewDisposeScope())
            {
                var (inputIds, targetIds, length) = train.Window(windows[windowInEpoch]);
                var inputs = tensor(inputIds, new long[] { length, train.Columns }, dtype: ScalarType.Int32).to(ScalarType.Int64).to(device);  // [T, B]
                var targets = tensor(targetIds, new long[] { length * train.Columns }, dtype: ScalarType.Int32).to(ScalarType.Int64).to(device);
                OptimizerFactory.SetLearningRate(optimizer, schedule.At(step));
                foreach (var parameter in model.parameters()) parameter.grad = null; // PyTorch's zero_grad(set_to_none=True): backward writes fresh gradients instead of adding to zeros
                var hidden = model.HiddenFromEmbedded(embeddingGradient.Lookup(inputs));                                                        // [T, B, d]
                double loss = decoderLoss.Backward(hidden.reshape(-1, hidden.shape[2]), model.Decoder, targets);                          // mean over T·B
                embeddingGradient.Accumulate();
                if (o.Clip > 0) GradientClipping.Clip(model.parameters(), o.Clip, optimizer, embeddingGradient);
                optimizer.step();
                lossSum += TrainingLoop.RequireFinite(loss, step, "Lower -LearningRate (or -GradientClip)");
                lossCount++;
                tokensTrained += length * train.Columns;
            }
            trainClock.Stop();
            step++; windowInEpoch++;
            onProgress?.Invoke(new TrainingProgress(step, totalSteps, epoch, lossSum / Math.Max(1, lossCount),
                (tokensTrained - tokensAtSnapshot) / Math.Max(1e-9, trainClock.Elapsed.TotalSeconds - trainSecondsAtSnapshot), "train"));
            return true;
        }

        try
        {
            model.train();
            TrainingLoop.Run(() => step, TrainStep, EvaluationSchedule.From(config.Training), Snapshot, folder is null ? null : Save, log, cancellation);
        }
        finally
        {
            optimizer.Dispose();
        }
    }
}
