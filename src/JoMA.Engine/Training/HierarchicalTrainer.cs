using System.Diagnostics;
using JoMA.Engine.Config;
using JoMA.Engine.Hierarchy;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// Trains the authors' hierarchical classifier (SCIENCE.md §6) on fresh batches drawn from a latent tree at
/// every step, with the run folder, checkpoints and exact resume of the language-model trainer. The batch of
/// step t comes from a Random seeded by (seed, t), so a resumed run sees the same data as an uninterrupted one.
/// </summary>
public sealed class HierarchicalTrainer
{
    const int EvaluationChunk = 256;
    readonly TrainingConfig config;
    readonly RunFolder? folder;
    readonly bool resume;
    readonly Action<string> log;

    /// <param name="tree">The tree to train on; null rebuilds hierarchy.tree from its seed (or, on resume, reads the run's tree.json).</param>
    public HierarchicalTrainer(TrainingConfig config, LatentTree? tree, bool resume, bool force, Action<string>? log = null)
    {
        this.config = config;
        this.resume = resume;
        this.log = log ?? (_ => { });
        if (config.Training.OutputDirectory is { } output)
        {
            folder = new RunFolder(output);
            if (!resume) folder.PrepareNew(force);
            else if (!File.Exists(folder.ConfigPath))
                throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound, $"'{folder.Path}' holds no training run (no config.yaml) to resume.");
        }
        else if (resume)
            throw JomaException.Argument("ResumeNeedsFolder", "Resuming needs the run's folder (-ResumeFrom).");
        Tree = tree
            ?? (resume && File.Exists(folder!.TreePath) ? LatentTreeFile.Load(folder.TreePath) : null)
            ?? (config.Hierarchy.Tree is { } spec ? LatentTree.Create(spec) : throw MissingTree());
        config.Hierarchy.Tree = Tree.Spec.Clone();
        Validate(config, treeGiven: true);
        RunName = config.Run ?? (folder is null ? "run" : Path.GetFileName(folder.Path));
    }

    public string RunName { get; }
    public LatentTree Tree { get; }

    static JomaException MissingTree() =>
        JomaException.Argument("LatentTreeMissing", "The hierarchical task needs a latent tree: -LatentTree (from New-JomaLatentTree or Import-JomaLatentTree) or a hierarchy.tree section in the config.");

    public static void Validate(TrainingConfig config, bool treeGiven)
    {
        TrainingConfigRules.Validate(config);
        if (!treeGiven && config.Hierarchy.Tree is null) throw MissingTree();
        var t = config.Training;
        if (t.MaxSteps is null) throw JomaException.Argument("StepsMissing", "The hierarchical task trains for a number of steps, not epochs: give -Steps (for example -Steps 10000).");
        if (t.MaxSteps < 1) throw JomaException.Argument("MaxStepsNotPositive", $"-Steps must be 1 or more (got {t.MaxSteps}).");
        EvaluationSchedule.From(t).Validate();
        if (t.KeepLast < 1) throw JomaException.Argument("KeepLastNotPositive", $"-KeepLast must be 1 or more (got {t.KeepLast}).");
        if (config.Data.BatchSize < 1) throw JomaException.Argument("BatchShapeInvalid", "-BatchSize must be 1 or more.");
        if (config.Hierarchy.EvaluationSamples < 1) throw JomaException.Argument("EvaluationSamplesNotPositive", "hierarchy.evaluation_samples must be 1 or more.");
        if (config.Hierarchy.FeedForwardMultiplier < 1) throw JomaException.Argument("FeedForwardMultiplierNotPositive", "hierarchy.feed_forward_multiplier must be 1 or more.");
        if (config.Hierarchy.FeedForwardBase is not ("vocabulary" or "model"))
            throw JomaException.Argument("UnknownFeedForwardBase", $"hierarchy.feed_forward_base must be vocabulary (the paper's 4·M) or model (4·d); got '{config.Hierarchy.FeedForwardBase}'.");
        if (config.Model.ModelDimension % config.Model.Heads != 0)
            throw JomaException.Argument("HeadsDoNotDivideDimension", $"-Heads {config.Model.Heads} must divide -ModelDimension {config.Model.ModelDimension}.");
        if (!(config.Optimizer.Lr > 0 && double.IsFinite(config.Optimizer.Lr))) throw JomaException.Argument("LearningRateNotPositive", $"-LearningRate must be a finite number above 0 (got {config.Optimizer.Lr}).");
        if (!OptimizerFactory.Names.Contains(config.Optimizer.Name.ToLowerInvariant())) throw JomaException.Argument("UnknownOptimizer", $"Unknown optimizer '{config.Optimizer.Name}'. Use one of: {string.Join(", ", OptimizerFactory.Names)}.");
        if (!LearningRateSchedule.Kinds.Contains(config.Optimizer.Schedule.ToLowerInvariant())) throw JomaException.Argument("UnknownSchedule", $"Unknown schedule '{config.Optimizer.Schedule}'. Use one of: {string.Join(", ", LearningRateSchedule.Kinds)}.");
        Trainer.ParseDevice(config.Device);
    }

    public static HierarchicalModelOptions ModelOptions(TrainingConfig config, LatentTree tree) => new()
    {
        Vocabulary = tree.Vocabulary, Classes = tree.Classes, Layers = config.Model.Layers, Heads = config.Model.Heads, ModelDimension = config.Model.ModelDimension,
        FeedForwardDimension = config.Hierarchy.FeedForwardMultiplier * (config.Hierarchy.FeedForwardBase == "model" ? config.Model.ModelDimension : tree.Vocabulary),
    };

    /// <summary>A seed for step <paramref name="step"/>'s batch (SplitMix64 of seed and step); step −1 is the evaluation set.</summary>
    public static int BatchSeed(long seed, long step)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(step + 1) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    public void Run(Action<JomaHierarchySnapshot> onSnapshot, Action<TrainingProgress>? onProgress = null, CancellationToken cancellation = default)
    {
        NativeLibraries.EnsureLoaded();
        MallocTuning.Apply();
        var device = ComputeDevice.Resolve(Trainer.ParseDevice(config.Device));
        log($"Hierarchical task on {device} with {get_num_threads()} CPU threads; tree: {Tree}.");
        if (folder is not null) { config.Save(folder.ConfigPath); LatentTreeFile.Save(Tree, folder.TreePath); }

        manual_seed(config.Seed);
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(config.Seed);
        var options = ModelOptions(config, Tree);
        using var model = new HierarchicalClassifier(options);
        model.to(device);
        var o = config.Optimizer;
        var optimizer = OptimizerFactory.Create(o.Name, model.parameters(), o.Lr, o.WeightDecay, o.Momentum);
        long totalSteps = config.Training.MaxSteps!.Value;
        var schedule = new LearningRateSchedule(o.Schedule, o.Lr, o.WarmupSteps, totalSteps);
        int batchSize = config.Data.BatchSize;
        var evaluation = LatentBatch.Draw(Tree, config.Hierarchy.EvaluationSamples, new Random(BatchSeed(config.Seed, -1)));

        long step = 0, lossCount = 0;
        double lossSum = 0, correctSum = 0;
        var clock = Stopwatch.StartNew();
        var trainClock = new Stopwatch();
        long samplesAtSnapshot = 0;
        double trainSecondsAtSnapshot = 0;

        var checkpoint = resume ? folder!.ResumePoint() : null;
        if (checkpoint is { } found)
        {
            RunFolder.LoadCheckpoint(found.Folder, model, optimizer, found.State);
            (step, lossSum, lossCount, correctSum) = (found.State.Step, found.State.TrainLossSum, found.State.TrainLossCount, found.State.TrainCorrectSum);
            log($"Resumed from {found.Folder} at step {step}.");
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
                Step = step, Epoch = 1, TrainLossSum = lossSum, TrainLossCount = lossCount, TrainCorrectSum = (long)correctSum,
            }, config.Training.KeepLast, config.Training.KeepEvery);
        }

        void Snapshot()
        {
            var (evalLoss, accuracy) = Evaluate(model, evaluation, device);
            double? trainLoss = lossCount > 0 ? lossSum / lossCount : null;
            double? trainAccuracy = lossCount > 0 ? correctSum / (lossCount * (double)batchSize) : null;
            double seconds = trainClock.Elapsed.TotalSeconds - trainSecondsAtSnapshot;
            double samplesPerSecond = seconds > 0 ? (step * (double)batchSize - samplesAtSnapshot) / seconds : 0;
            lossSum = 0; lossCount = 0; correctSum = 0;           // before Save: the checkpoint holds the state after this snapshot
            samplesAtSnapshot = step * batchSize; trainSecondsAtSnapshot = trainClock.Elapsed.TotalSeconds;
            var snapshot = new JomaHierarchySnapshot
            {
                Run = RunName, Step = step, TrainLoss = trainLoss, TrainAccuracy = trainAccuracy, EvaluationLoss = evalLoss, Accuracy = accuracy,
                LearningRate = schedule.At(Math.Max(0, step - 1)), CheckpointPath = Save(), SamplesPerSecond = samplesPerSecond,
                ElapsedSeconds = clock.Elapsed.TotalSeconds, Seed = config.Seed, LatentTree = Tree, Model = HierarchicalModelState.Capture(model),
            };
            folder?.AppendMetricsLine(new
            {
                snapshot.Run, snapshot.Step, snapshot.TrainLoss, snapshot.TrainAccuracy, snapshot.EvaluationLoss, snapshot.Accuracy, snapshot.LearningRate,
                snapshot.CheckpointPath, snapshot.SamplesPerSecond, snapshot.ElapsedSeconds,
            });
            onSnapshot(snapshot);
        }

        bool TrainStep()
        {
            if (step >= totalSteps) return false;
            trainClock.Start();
            var batch = LatentBatch.Draw(Tree, batchSize, new Random(BatchSeed(config.Seed, step)));
            using (var scope = NewDisposeScope())
            {
                var tokens = batch.TokenTensor(device);                                 // [B, L]
                var labels = batch.LabelTensor(device);                                 // [B]
                OptimizerFactory.SetLearningRate(optimizer, schedule.At(step));
                optimizer.zero_grad();
                var logits = model.forward(tokens);                                     // [B, C]
                var loss = nn.functional.cross_entropy(logits, labels);
                loss.backward();
                optimizer.step();
                lossSum += TrainingLoop.RequireFinite(loss.item<float>(), step, "Lower -LearningRate");
                lossCount++;
                correctSum += logits.argmax(1).eq(labels).sum().item<long>();
            }
            trainClock.Stop();
            step++;
            onProgress?.Invoke(new TrainingProgress(step, totalSteps, 1, lossSum / Math.Max(1, lossCount),
                (step * (double)batchSize - samplesAtSnapshot) * Tree.SequenceLength / Math.Max(1e-9, trainClock.Elapsed.TotalSeconds - trainSecondsAtSnapshot), "train"));
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

    /// <summary>Mean cross-entropy and accuracy on a fixed batch, in chunks, with gradients off.</summary>
    public static (double Loss, double Accuracy) Evaluate(HierarchicalClassifier model, LatentBatch batch, Device device)
    {
        bool wasTraining = model.training;
        model.eval();
        double lossSum = 0, correct = 0;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var tokens = batch.TokenTensor(device);
            var labels = batch.LabelTensor(device);
            for (int start = 0; start < batch.Count; start += EvaluationChunk)
            {
                int end = Math.Min(batch.Count, start + EvaluationChunk);
                var logits = model.forward(tokens[start..end]);
                var chunkLabels = labels[start..end];
                lossSum += nn.functional.cross_entropy(logits, chunkLabels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(chunkLabels).sum().item<long>();
            }
        }
        if (wasTraining) model.train();
        return (lossSum / batch.Count, correct / batch.Count);
    }
}
