using JoMA.Engine.Config;
using JoMA.Engine.Hierarchy;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Training;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Hierarchy;

/// <summary>The authors' model and the hierarchical task on CPU-sized trees: learning, alignment, exact resume.</summary>
public class HierarchicalTrainingTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("joma-hier-").FullName;

    public HierarchicalTrainingTests() => NativeLibraries.EnsureLoaded();

    public void Dispose() => Directory.Delete(root, recursive: true);

    static LatentTreeSpec SmallTree => new() { Vocabulary = 30, SequenceLength = 12, Classes = 8, LatentsPerLayer = new() { 8, 10 }, Branching = new() { 2, 2, 2 }, Seed = 1 };

    static TrainingConfig Small(string? output, long steps, int evaluateEvery)
    {
        var config = new TrainingConfig { Seed = 2, Device = "cpu", Task = TrainingConfig.TaskNames.Hierarchical };
        config.Hierarchy.Tree = SmallTree;
        config.Hierarchy.EvaluationSamples = 256;
        config.Data.BatchSize = 64;
        config.Model.Layers = 2;
        config.Model.ModelDimension = 64;
        config.Optimizer.Lr = 2e-3;
        config.Optimizer.WeightDecay = 1e-4;
        config.Training.MaxSteps = steps;
        config.Training.EvaluateEvery = evaluateEvery;
        config.Training.OutputDirectory = output;
        return config;
    }

    static List<JomaHierarchySnapshot> Train(TrainingConfig config, bool resume = false)
    {
        var snapshots = new List<JomaHierarchySnapshot>();
        new HierarchicalTrainer(config, null, resume, force: false).Run(snapshots.Add);
        return snapshots;
    }

    [Fact]
    public void The_model_is_causal_bias_free_in_QKV_and_exposes_each_blocks_hidden()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new HierarchicalClassifier(new HierarchicalModelOptions { Vocabulary = 30, Classes = 8, Layers = 2, ModelDimension = 32, FeedForwardDimension = 120 });
        var names = model.named_parameters().Select(p => p.name).ToArray();
        Assert.DoesNotContain(names, n => n.Contains("query.bias") || n.Contains("key.bias") || n.Contains("value.bias"));
        Assert.DoesNotContain(names, n => n.Contains("pos"));
        var tokens = randint(0, 30, new long[] { 3, 12 });
        var (logits, hidden) = model.Forward(tokens);
        Assert.Equal(new long[] { 3, 8 }, logits.shape);
        Assert.Equal(2, hidden.Length);
        Assert.Equal(new long[] { 3, 12, 120 }, hidden[1].shape);
        Assert.True((hidden[1] >= 0).all().item<bool>());                   // post-ReLU
        var changed = tokens.clone();
        changed[.., -1] = (changed[.., -1] + 1) % 30;
        var (_, hiddenChanged) = model.Forward(changed);
        Assert.True(hiddenChanged[1][.., ..^1].allclose(hidden[1][.., ..^1]));  // earlier positions cannot see the last token
        Assert.False(hiddenChanged[1][.., -1].allclose(hidden[1][.., -1]));
    }

    [Fact]
    public void A_short_run_learns_and_raises_layer0_alignment_above_its_initial_value()
    {
        // Few tokens shared among many latents: a token alone does not identify a latent, so an untrained
        // network's max-pooled nodes align only partly and training has room to raise the score.
        var config = Small(null, 200, 200);
        config.Hierarchy.Tree = new() { Vocabulary = 10, SequenceLength = 9, Classes = 6, LatentsPerLayer = new() { 12, 10 }, Branching = new() { 2, 2, 2 }, Seed = 1 };
        var snapshots = Train(config);
        Assert.Equal(new long[] { 0, 200 }, snapshots.Select(s => s.Step));
        Assert.True(snapshots[1].EvaluationLoss < snapshots[0].EvaluationLoss);
        Assert.True(snapshots[1].Accuracy > snapshots[0].Accuracy);
        double Layer0(JomaHierarchySnapshot s)
        {
            using var model = s.Model!.Build(CPU);
            return LatentAlignmentMeasurement.Measure(model, s.LatentTree!, 512, 7, CorrelationKind.Pearson)[0].Score;
        }
        double before = Layer0(snapshots[0]), after = Layer0(snapshots[1]);
        Assert.True(after > before, $"layer-0 alignment {before:F3} → {after:F3}");
    }

    [Fact]
    public void Resuming_from_a_checkpoint_gives_exactly_the_uninterrupted_run()
    {
        var whole = Train(Small(Path.Combine(root, "whole"), 20, 10));
        var half = Small(Path.Combine(root, "halves"), 10, 10);
        Train(half);
        half.Training.MaxSteps = 20;
        var rest = Train(half, resume: true);
        Assert.Equal(new long[] { 20 }, rest.Select(s => s.Step));
        Assert.Equal(whole[^1].EvaluationLoss, rest[^1].EvaluationLoss);
        Assert.Equal(whole[^1].TrainLoss, rest[^1].TrainLoss);
        // The checkpoint reopens for alignment and gives the snapshot's numbers.
        var checkpoint = HierarchicalCheckpoint.Open(Path.Combine(root, "halves"));
        Assert.Equal(20, checkpoint.Step);
        using var fromDisk = checkpoint.LoadModel(CPU);
        using var fromSnapshot = rest[^1].Model!.Build(CPU);
        var a = LatentAlignmentMeasurement.Measure(fromDisk, checkpoint.Tree, 256, 1, CorrelationKind.Pearson);
        var b = LatentAlignmentMeasurement.Measure(fromSnapshot, rest[^1].LatentTree!, 256, 1, CorrelationKind.Pearson);
        Assert.Equal(a.Select(x => x.Score), b.Select(x => x.Score));
    }

    [Fact]
    public void Missing_steps_or_tree_are_clear_errors()
    {
        var config = Small(null, 10, 10);
        config.Training.MaxSteps = null;
        Assert.Equal("StepsMissing", Assert.Throws<JomaException>(() => HierarchicalTrainer.Validate(config, treeGiven: true)).ErrorId);
        config = Small(null, 10, 10);
        config.Hierarchy.Tree = null;
        Assert.Equal("LatentTreeMissing", Assert.Throws<JomaException>(() => new HierarchicalTrainer(config, null, false, false)).ErrorId);
    }

    [Fact]
    public void The_config_round_trips_through_yaml_with_its_tree()
    {
        var config = Small(null, 10, 10);
        var back = YamlConfigReader.Read<TrainingConfig>(config.ToYaml());
        Assert.True(back.IsHierarchicalTask());
        Assert.Equal(LatentTreeFile.ToJson(LatentTree.Create(config.Hierarchy.Tree!)), LatentTreeFile.ToJson(LatentTree.Create(back.Hierarchy.Tree!)));
    }
}
