using System.Text.Json.Nodes;
using JoMA.Engine.Checkpoints;
using JoMA.Engine.Dynamics;
using JoMA.Engine.Metrics;
using JoMA.Engine.Tests.Checkpoints;
using JoMA.Engine.Text;

namespace JoMA.Engine.Tests.Hardening;

/// <summary>Issue 19: requests that cannot fit are refused before anything is allocated; bad input is an error, not a silent result.</summary>
public class RequestLimitTests
{
    static string NeoX => Path.Combine(FixturePaths.HfReference, "gpt_neox_tiny");

    static DerivedFixture CopyOfNeoX(Action<JsonObject> edit)
    {
        var fixture = new DerivedFixture();
        foreach (var file in Directory.GetFiles(NeoX)) File.Copy(file, fixture.File_(Path.GetFileName(file)));
        var json = JsonNode.Parse(File.ReadAllText(fixture.File_("config.json")))!.AsObject();
        edit(json);
        File.WriteAllText(fixture.File_("config.json"), json.ToJsonString());
        return fixture;
    }

    [Fact]
    public void ConfigClaimingAHugeModelIsRefusedAgainstTheWeightFiles()
    {
        using var fixture = CopyOfNeoX(j => j["num_hidden_layers"] = 1_000_000_000);
        var e = Assert.Throws<JomaException>(() => HuggingFaceCheckpoint.Open(fixture.Folder));
        Assert.Equal("CheckpointConfigTooLarge", e.ErrorId);
        Assert.Equal(JomaErrorKind.LimitsExceeded, e.Kind);
        Assert.Contains("1000000000 layers", e.Message);
    }

    [Fact]
    public void MistypedFieldSaysWhatItHoldsNotMissing()
    {
        using var fixture = CopyOfNeoX(j => j["hidden_size"] = "64");
        var e = Assert.Throws<JomaException>(() => HuggingFaceCheckpoint.Open(fixture.Folder));
        Assert.Equal("CheckpointConfigInvalid", e.ErrorId);
        Assert.DoesNotContain("missing", e.Message);
        Assert.Contains("without quotes", e.Message);
    }

    [Fact]
    public void MisspeltFieldIsNamed()
    {
        using var fixture = CopyOfNeoX(j => { j["num_hiden_layers"] = j["num_hidden_layers"]!.DeepClone(); j.Remove("num_hidden_layers"); });
        var e = Assert.Throws<JomaException>(() => HuggingFaceCheckpoint.Open(fixture.Folder));
        Assert.Contains("'num_hiden_layers'", e.Message);
    }

    [Fact]
    public void TrainingRunFolderSaysWhatOpensIt()
    {
        var run = Directory.CreateTempSubdirectory("joma-run-").FullName;
        try
        {
            var checkpoint = Directory.CreateDirectory(Path.Combine(run, "checkpoints", "step-00000010")).FullName;
            File.WriteAllText(Path.Combine(run, "config.yaml"), "seed: 1\n");
            File.WriteAllText(Path.Combine(checkpoint, "state.json"), "{}");
            File.WriteAllText(Path.Combine(checkpoint, "model.safetensors"), "");
            foreach (var folder in new[] { run, checkpoint })
            {
                var e = Assert.Throws<JomaException>(() => HuggingFaceCheckpoint.Open(folder));
                Assert.Equal("CheckpointIsTrainingRun", e.ErrorId);
                Assert.Contains("Measure-JomaTokenAttention", e.Message);
            }
        }
        finally { Directory.Delete(run, recursive: true); }
    }

    [Fact]
    public void TwoBillionSamplesAreRefusedBeforeSolving()
    {
        var problem = new DynamicsProblem { Mu = [1.0, 2.0] };
        var options = new SolverOptions { Until = 1e9, SampleInterval = 0.5 };
        var e = Assert.Throws<JomaException>(() => DynamicsSolver.Solve(problem, options, _ => { }));
        Assert.Equal("SampleCountTooLarge", e.ErrorId);
        Assert.Contains("GB", e.Message);
        // Without samples (a summary) the same settings are fine and build no sample grid.
        Assert.Equal(SolverStatus.Completed, DynamicsSolver.Solve(problem, new SolverOptions { Until = 10, SampleInterval = 1e-9 }).Status);
    }

    [Fact]
    public void MuAndDeltaOfDifferentLengthsAreAnError()
    {
        var problem = new DynamicsProblem { System = DynamicsSystemKind.Linear, Mu = [1.0, 2, 3], Delta = [1.0, 2] };
        Assert.Equal("DimensionMismatch", Assert.Throws<JomaException>(() => DynamicsSolver.Solve(problem, new SolverOptions { Until = 1 })).ErrorId);
    }

    [Fact]
    public void EntropyOfAOneHotRowIsZeroNotNegative()
    {
        double h = AttentionEntropy.Of(new double[] { 1, 0, 0, 0, 0 });
        Assert.Equal(0.0, h);
        Assert.False(double.IsNegative(h)); // not -0
        Assert.Equal(0.0, AttentionEntropy.Of(new float[] { 1, 0 }));
    }

    [Fact]
    public void InvalidUtf8IsFoundWithItsLine()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [.. "fine line\nsecond\n"u8.ToArray(), (byte)'c', 0xE9, (byte)'t', (byte)'\n']);
            Assert.Equal(3, WikitextCorpus.FirstInvalidUtf8Line(path));
            File.WriteAllText(path, "all good\nhéhé\n");
            Assert.Null(WikitextCorpus.FirstInvalidUtf8Line(path));
            File.WriteAllBytes(path, [(byte)'a', 0, (byte)'b']);
            Assert.Equal(1, WikitextCorpus.FirstInvalidUtf8Line(path));
        }
        finally { File.Delete(path); }
    }
}
