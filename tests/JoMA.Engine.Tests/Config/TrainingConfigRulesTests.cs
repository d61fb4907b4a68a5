using JoMA.Engine.Config;

namespace JoMA.Engine.Tests.Config;

/// <summary>Issue 19: a config is validated once, at import, by the same rules New-JomaConfig and training use.</summary>
public class TrainingConfigRulesTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("joma-config-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Write(string yaml)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Theory]
    [InlineData("optimizer:\n  lr: -0.001\n", "optimizer.lr")]
    [InlineData("optimizer:\n  lr: .nan\n", "optimizer.lr")]
    [InlineData("model:\n  layers: 1000000000\n", "model.layers")]
    [InlineData("model:\n  dropout: 1.5\n", "model.dropout")]
    [InlineData("data:\n  bptt: 90000000\n", "data.bptt")]
    [InlineData("optimizer:\n  name: lion\n", "optimizer.name")]
    [InlineData("device: tpu\n", "device")]
    public void ImportRefusesOutOfRangeValues(string yaml, string key)
    {
        var path = Write(yaml);
        var e = Assert.Throws<JomaException>(() => TrainingConfig.LoadAnchored(path));
        Assert.Equal("ConfigInvalidValue", e.ErrorId);
        Assert.Equal(JomaErrorKind.InvalidData, e.Kind);
        Assert.Contains(key, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    public void ImportRefusesAnEmptyFile(string yaml)
    {
        var e = Assert.Throws<JomaException>(() => TrainingConfig.LoadAnchored(Write(yaml)));
        Assert.Equal("ConfigEmpty", e.ErrorId);
    }

    [Fact]
    public void DefaultsAndAValidFilePass()
    {
        new TrainingConfig().Validate();
        Assert.Equal(5, TrainingConfig.LoadAnchored(Write("model:\n  layers: 5\n")).Model.Layers);
    }

    [Fact]
    public void HeadsMustDivideTheDimension()
    {
        var config = new TrainingConfig();
        config.Model.Heads = 3;
        Assert.Equal("HeadsDoNotDivide", Assert.Throws<JomaException>(() => config.Validate()).ErrorId);
    }

    [Fact]
    public void WrongTypeSaysWhatTheKeyTakesWithoutYamlDotNetNames()
    {
        var e = Assert.Throws<JomaException>(() => YamlConfigReader.Read<TrainingConfig>("model:\n  layers: many\n", "c.yaml"));
        Assert.Equal("ConfigInvalidValue", e.ErrorId);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("a whole number", e.Message);
        Assert.DoesNotContain("YamlDotNet", e.Message);
        Assert.DoesNotContain("System.", e.Message);
    }

    [Fact]
    public void BrokenCollectionHasALineNumber()
    {
        var e = Assert.Throws<JomaException>(() => YamlConfigReader.Read<TrainingConfig>("seed: 1\nmodel: {layers: 2\n", "c.yaml"));
        Assert.Equal("ConfigMalformed", e.ErrorId);
        Assert.Matches("line [0-9]+", e.Message);
        Assert.DoesNotContain("YamlDotNet", e.Message);
    }
}
