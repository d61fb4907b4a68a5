using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Sweeps;

namespace JoMA.Engine.Tests.Sweeps;

public class SweepGridTests
{
    static TrainingConfig Base() => new() { Data = { TrainPath = "/data/train.txt" } };

    [Fact]
    public void FullProductInGridOrderWithTypedValues()
    {
        var grid = new SweepGrid();
        grid.AddAxis("optimizer.lr", new object?[] { 1e-4, 1e-3 });
        grid.AddAxis("model.layers", new object?[] { "1", "2", "5" });
        grid.AddAxis("seed", new object?[] { 1, 2 });
        var trials = grid.Expand(Base());
        Assert.Equal(12, trials.Count);
        Assert.Equal(12, trials.Select(t => t.Id).Distinct().Count());
        Assert.Equal("lr=0.0001 layers=1 seed=1", trials[0].Name);
        Assert.Equal("lr=0.001 layers=5 seed=2", trials[^1].Name);
        Assert.Equal(5, trials[^1].Config.Model.Layers);
        Assert.Equal(1e-3, trials[^1].Config.Optimizer.Lr);
        Assert.Equal(2L, trials[^1].Config.Seed);
        Assert.IsType<int>(trials[0].Values[1].Value);
        Assert.Equal(1e-4, Base().Optimizer.Lr); // the base config is untouched
    }

    [Fact]
    public void IdsDependOnValuesNotOnOrderOrSpelling()
    {
        var a = SweepGrid.TrialId(new KeyValuePair<string, object?>[] { new("optimizer.lr", 0.0001), new("seed", 1L) });
        var b = SweepGrid.TrialId(new KeyValuePair<string, object?>[] { new("seed", 1L), new("optimizer.lr", 1e-4) });
        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{10}$", a);
        var fromText = new SweepGrid();
        fromText.AddAxis("Optimizer.LR", new object?[] { "1e-4" });
        fromText.AddAxis("seed", new object?[] { "1" });
        Assert.Equal(a, fromText.Expand(Base())[0].Id);
    }

    [Fact]
    public void PointsAreCombinedWithTheAxesAndRepeatsDropped()
    {
        var grid = new SweepGrid();
        grid.AddPoint(new KeyValuePair<string, object?>[] { new("optimizer.lr", 1e-2), new("model.layers", 1) });
        grid.AddPoint(new KeyValuePair<string, object?>[] { new("optimizer.lr", 1e-3), new("model.layers", 2) });
        grid.AddPoint(new KeyValuePair<string, object?>[] { new("model.layers", 2), new("optimizer.lr", 0.001) });
        grid.AddAxis("seed", new object?[] { 1, 2, 3 });
        var trials = grid.Expand(Base());
        Assert.Equal(6, trials.Count);
        Assert.All(trials, t => Assert.Equal(3, t.Values.Count));
    }

    [Theory]
    [InlineData("optimizer.learning_rate")]
    [InlineData("model")]
    [InlineData("training.output_directory")]
    [InlineData("run")]
    public void UnknownOrReservedKeysAreRejected(string key)
    {
        var e = Assert.Throws<JomaException>(() => new SweepGrid().AddAxis(key, new object?[] { 1 }));
        Assert.Equal("SweepUnknownKey", e.ErrorId);
        Assert.Contains("optimizer.lr", e.Message);
    }

    [Fact]
    public void EmptyGridsAndBadValuesAreRejected()
    {
        Assert.Equal("SweepGridEmpty", Assert.Throws<JomaException>(() => new SweepGrid().Expand(Base())).ErrorId);
        var noValues = new SweepGrid();
        noValues.AddAxis("seed", Array.Empty<object?>());
        Assert.Equal("SweepGridEmpty", Assert.Throws<JomaException>(() => noValues.Expand(Base())).ErrorId);
        var badValue = new SweepGrid();
        badValue.AddAxis("model.layers", new object?[] { "two" });
        Assert.Equal("ConfigInvalidValue", Assert.Throws<JomaException>(() => badValue.Expand(Base())).ErrorId);
    }

    [Fact]
    public void ASweepSectionIsReadBesideTheConfig()
    {
        var folder = Directory.CreateTempSubdirectory("joma-sweep-def").FullName;
        var path = Path.Combine(folder, "sweep.yaml");
        File.WriteAllText(path, "data:\n  train_path: train.txt\nmodel:\n  layers: 3\nsweep:\n  grid:\n    optimizer.lr: [1e-4, 1e-3]\n    seed: [1, 2, 3]\n  points:\n    - { model.layers: 1 }\n");
        var definition = SweepDefinition.Load(path);
        Assert.Equal(Path.Combine(folder, "train.txt"), definition.BaseConfig.Data.TrainPath);
        var trials = definition.Grid.Expand(definition.BaseConfig);
        Assert.Equal(6, trials.Count);
        Assert.All(trials, t => Assert.Equal(1, t.Config.Model.Layers));
        File.WriteAllText(path, "sweep:\n  grid:\n    optimizer.lrr: [1]\n");
        Assert.Equal("SweepUnknownKey", Assert.Throws<JomaException>(() => SweepDefinition.Load(path)).ErrorId);
    }
}
