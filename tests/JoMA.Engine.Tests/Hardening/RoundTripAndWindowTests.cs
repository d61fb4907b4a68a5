using JoMA.Engine.Config;
using JoMA.Engine.Metrics;
using JoMA.Engine.Plots;
using JoMA.Engine.Text;
using JoMA.Engine.Training;

namespace JoMA.Engine.Tests.Hardening;

/// <summary>Issue 19: CSVs of the module's objects plot again; a window that cannot fit is refused; nested objects read well.</summary>
public class RoundTripAndWindowTests
{
    [Fact]
    public void TrainingSnapshotRowComesBackWithItsLayerEntropy()
    {
        var row = new Dictionary<string, string?> { ["Run"] = "r", ["Step"] = "100", ["ValidationLoss"] = "5.5", ["LayerEntropy"] = "1.5;2.25", ["Attention"] = "JoMA.Engine.Metrics.AttentionSample" };
        var snapshot = Assert.IsType<JomaTrainingSnapshot>(CsvRows.Rehydrate(row));
        Assert.Equal(100, snapshot.Step);
        Assert.Equal(new[] { 1.5, 2.25 }, snapshot.LayerEntropy.ToArray());
        Assert.Null(snapshot.Attention);
    }

    [Fact]
    public void SparsityStableRankDynamicsAndInvariantRowsAreRecognised()
    {
        Assert.IsType<AttentionSparsity>(CsvRows.Rehydrate(new Dictionary<string, string?> { ["Step"] = "1", ["Layer"] = "0", ["Head"] = "-1", ["Entropy"] = "1", ["NormalizedEntropy"] = "0.5", ["TopMass"] = "0.9", ["Time"] = "" }));
        Assert.IsType<StableRankResult>(CsvRows.Rehydrate(new Dictionary<string, string?> { ["Step"] = "1", ["Layer"] = "0", ["Matrix"] = "linear1", ["StableRank"] = "3" }));
        var sample = Assert.IsType<JoMA.Engine.Dynamics.JomaDynamicsSample>(CsvRows.Rehydrate(new Dictionary<string, string?> { ["Time"] = "0.5", ["Step"] = "3", ["Entropy"] = "2", ["System"] = "NonlinearSoftmax", ["V"] = "System.Double[]" }));
        Assert.Equal(0.5, sample.Time);
        Assert.Empty(sample.V);
        Assert.IsType<JoMA.Engine.Joint.JomaInvariantSample>(CsvRows.Rehydrate(new Dictionary<string, string?> { ["Step"] = "3", ["Loss"] = "0.2", ["Correlation"] = "0.99" }));
        Assert.Null(CsvRows.Rehydrate(new Dictionary<string, string?> { ["Name"] = "x" }));
    }

    [Fact]
    public void AbsurdBpttIsRefusedWithTheEstimate()
    {
        var config = new TrainingConfig();
        config.Data.BatchSize = 1;
        config.Data.Bptt = 90_000;
        var tokens = new int[2_000_000];
        var train = new LanguageModelBatches(tokens, 1, config.Data.Bptt);
        var e = Assert.Throws<JomaException>(() => Trainer.CheckWindowFits(config, train, train, _ => { }));
        Assert.Equal("WindowTooLarge", e.ErrorId);
        Assert.Contains("GB", e.Message);
    }

    [Fact]
    public void BpttBeyondTheTextIsSaid()
    {
        var config = new TrainingConfig();
        config.Data.Bptt = 500;
        var train = new LanguageModelBatches(new int[2000], config.Data.BatchSize, config.Data.Bptt);
        var warnings = new List<string>();
        Trainer.CheckWindowFits(config, train, train, warnings.Add);
        Assert.Contains(warnings, w => w.Contains("-Bptt 500"));
    }

    [Fact]
    public void NestedStatisticsReadAsText()
    {
        var stats = new AttentionRowStatistics(1.25, 2.5, 0.5, 3, 0.75, 10);
        Assert.DoesNotContain("{", stats.ToString());
        Assert.StartsWith("layer 0:", new LayerAttentionStatistics(0, stats, [stats]).ToString());
        Assert.DoesNotContain("JoMA.Engine", new AttentionSample { Run = "r", Step = 3, Heads = 2, Layers = [0, 1], Length = 35 }.ToString());
    }
}
