using System.Diagnostics;
using JoMA.Engine.Config;
using JoMA.Engine.Metrics;
using JoMA.Engine.Training;

namespace JoMA.Engine.Tests.Training;

/// <summary>Training on the shipped tiny corpus: learning happens, resume is exact, damage is detected, memory stays flat.</summary>
public class TrainerTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("joma-train-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>A CPU-sized variant of the reference: same architecture and optimiser, smaller widths.</summary>
    static TrainingConfig Small(string? output, long maxSteps, int evaluateEvery, bool smallTrainingText = false)
    {
        var config = new TrainingConfig { Seed = 3, Device = "cpu" };
        if (smallTrainingText)
        {
            // The validation text as training text too: 17 windows per epoch, so epochs (and Adam resets) go by quickly.
            config.Data.TrainPath = Path.Combine(FixturePaths.TinyWikitext, "wiki.valid.tokens");
            config.Data.ValidationPath = Path.Combine(FixturePaths.TinyWikitext, "wiki.test.tokens");
        }
        else config.Data.Corpus = FixturePaths.TinyWikitext;
        config.Model.ModelDimension = 32;
        config.Model.FeedForwardDimension = 64;
        config.Model.Heads = 2;
        config.Model.Layers = 2;
        config.Optimizer.Lr = 5e-3;
        config.Training.MaxSteps = maxSteps;
        config.Training.EvaluateEvery = evaluateEvery;
        config.Training.OutputDirectory = output;
        return config;
    }

    static List<JomaTrainingSnapshot> Train(TrainingConfig config, bool resume = false, bool force = false, CancellationToken cancellation = default, Action<TrainingProgress>? progress = null)
    {
        var snapshots = new List<JomaTrainingSnapshot>();
        new Trainer(config, resume, force).Run(snapshots.Add, progress, cancellation);
        return snapshots;
    }

    [Fact]
    public void LearnsAndAttentionMovesAwayFromUniform()
    {
        var snapshots = Train(Small(Path.Combine(root, "run"), maxSteps: 300, evaluateEvery: 100));
        Assert.Equal(new long[] { 0, 100, 200, 300 }, snapshots.Select(s => s.Step));
        Assert.Null(snapshots[0].TrainLoss);
        Assert.True(snapshots[3].TrainLoss < snapshots[1].TrainLoss, "training loss falls");
        Assert.True(snapshots[3].ValidationPerplexity < 0.5 * snapshots[0].ValidationPerplexity, $"ppl {snapshots[0].ValidationPerplexity} → {snapshots[3].ValidationPerplexity}");
        double uniform = JoMA.Engine.Metrics.AttentionMapAccumulator.CausalMaxEntropySum(35) / 35;
        Assert.InRange(snapshots[0].LayerEntropy[0], uniform - 0.2, uniform);
        Assert.True(Math.Abs(snapshots[3].LayerEntropy[0] - snapshots[0].LayerEntropy[0]) > 0.05, "layer-0 entropy moves");
        var last = snapshots[3];
        Assert.Equal(2, last.LayerEntropy.Length);
        Assert.Equal(2, last.StableRank.Length);
        Assert.Equal(new[] { 2, 2 }, new[] { last.HeadEntropy.Layers, last.HeadEntropy.Heads });
        Assert.Equal(last.LayerEntropy.ToArray(), LayerValues.Parse(last.LayerEntropy.ToString()).ToArray()); // text form round-trips exactly
        Assert.Equal(last.LayerEntropy[1], last.AttentionStatistics[1].HeadAveraged.Entropy);
        Assert.NotNull(last.Attention);
        Assert.Equal(10 * 2 * 35 * 35, last.Attention!.Probabilities![0].Length);          // probe: [10 sequences, 2 heads, 35, 35]
        Assert.True(Directory.Exists(last.CheckpointPath));
        var run = new RunFolder(Path.Combine(root, "run"));
        Assert.Equal(4, File.ReadAllLines(run.MetricsPath).Length);
        Assert.True(File.Exists(run.VocabularyPath) && File.Exists(run.ConfigPath));
        Assert.Equal(3, Directory.GetDirectories(run.CheckpointsPath).Length);                // keep last 3
    }

    [Fact]
    public void ResumeContinuesBitForBit()
    {
        // Uninterrupted: 40 steps over 17-window epochs (two Adam resets on the way).
        var whole = Train(Small(Path.Combine(root, "whole"), maxSteps: 40, evaluateEvery: 10, smallTrainingText: true));
        // Interrupted at step 20 (between the resets), then resumed to 40.
        var parted = Path.Combine(root, "parted");
        var first = Train(Small(parted, maxSteps: 20, evaluateEvery: 10, smallTrainingText: true));
        var resumed = Train(Small(parted, maxSteps: 40, evaluateEvery: 10, smallTrainingText: true), resume: true);
        Assert.Equal(new long[] { 30, 40 }, resumed.Select(s => s.Step));
        foreach (var (a, b) in whole.Where(s => s.Step > 20).Zip(resumed))
        {
            Assert.Equal(a.Step, b.Step);
            Assert.Equal(a.ValidationLoss, b.ValidationLoss);                                    // exact, not approximately
            Assert.Equal(a.TrainLoss, b.TrainLoss);
            Assert.Equal(a.LayerEntropy, b.LayerEntropy);
            Assert.Equal(a.StableRank, b.StableRank);
            Assert.Equal(a.Epoch, b.Epoch);
        }
        Assert.Equal(5, File.ReadAllLines(new RunFolder(parted).MetricsPath).Length);
    }

    [Fact]
    public void CancellationLeavesAResumableCheckpoint()
    {
        var output = Path.Combine(root, "cancelled");
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Train(Small(output, maxSteps: 100, evaluateEvery: 50, smallTrainingText: true), cancellation: cts.Token,
                progress: p => { if (p.Step == 13) cts.Cancel(); }));
        var latest = new RunFolder(output).LatestCheckpoint();
        Assert.NotNull(latest);
        Assert.Equal(13, latest!.Value.State.Step);
        var resumed = Train(Small(output, maxSteps: 20, evaluateEvery: 50, smallTrainingText: true), resume: true);
        Assert.Equal(20, resumed.Single().Step);
    }

    [Fact]
    public void DamagedCheckpointIsDetected()
    {
        var output = Path.Combine(root, "damaged");
        Train(Small(output, maxSteps: 10, evaluateEvery: 10, smallTrainingText: true));
        var latest = new RunFolder(output).LatestCheckpoint()!.Value.Folder;
        var model = Path.Combine(latest, "model.safetensors");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);                                   // truncated
        var e = Assert.Throws<JomaException>(() => Train(Small(output, maxSteps: 20, evaluateEvery: 10, smallTrainingText: true), resume: true));
        Assert.Equal("CheckpointCorrupt", e.ErrorId);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void RefusesToOverwriteARunWithoutForce()
    {
        var output = Path.Combine(root, "existing");
        Train(Small(output, maxSteps: 5, evaluateEvery: 5, smallTrainingText: true));
        Assert.Equal("RunExists", Assert.Throws<JomaException>(() => Train(Small(output, maxSteps: 5, evaluateEvery: 5, smallTrainingText: true))).ErrorId);
        Assert.Equal(2, Train(Small(output, maxSteps: 5, evaluateEvery: 5, smallTrainingText: true), force: true).Count);
    }

    [Fact]
    public void BadCorporaFailBeforeTraining()
    {
        var missing = Small(null, 5, 5);
        missing.Data.Corpus = Path.Combine(root, "nowhere");
        Assert.Equal("CorpusNotFound", Assert.Throws<JomaException>(() => Train(missing)).ErrorId);
        var noValidation = Path.Combine(root, "novalid");
        Directory.CreateDirectory(noValidation);
        File.Copy(Path.Combine(FixturePaths.TinyWikitext, "wiki.train.tokens"), Path.Combine(noValidation, "wiki.train.tokens"));
        var config = Small(null, 5, 5);
        config.Data.Corpus = noValidation;
        Assert.Equal("CorpusValidationSplitMissing", Assert.Throws<JomaException>(() => Train(config)).ErrorId);
        File.WriteAllText(Path.Combine(noValidation, "wiki.valid.tokens"), "\n \n");
        Assert.Equal("CorpusEmpty", Assert.Throws<JomaException>(() => Train(config)).ErrorId);
    }

    /// <summary>Over 2000 steps resident memory stays within 10 % of its value at step 200: no tensor leaks.</summary>
    [Fact]
    public void MemoryStaysFlat()
    {
        var config = Small(null, maxSteps: 2000, evaluateEvery: 1000, smallTrainingText: true);
        long at200 = 0, peakAfter = 0;
        Train(config, progress: p =>
        {
            if (p.Step % 100 != 0) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var rss = Process.GetCurrentProcess().Refresh2().WorkingSet64;
            if (p.Step == 200) at200 = rss;
            else if (p.Step > 200) peakAfter = Math.Max(peakAfter, rss);
        });
        Assert.True(at200 > 0);
        Assert.True(peakAfter <= at200 * 1.10, $"RSS grew from {at200 >> 20} MiB at step 200 to {peakAfter >> 20} MiB");
    }
}

static class ProcessExtensions
{
    public static Process Refresh2(this Process process) { process.Refresh(); return process; }
}
