using JoMA.Engine.Config;
using JoMA.Engine.Native;
using JoMA.Engine.Theory;
using JoMA.Engine.Training;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Theory;

/// <summary>A tiny trained run, trained once for the class: checkpoints at steps 0, 2 and 4.</summary>
public sealed class TinyRunFixture : IDisposable
{
    public TinyRunFixture()
    {
        var config = new TrainingConfig { Seed = 3, Device = "cpu", Run = "tiny" };
        config.Data.TrainPath = Path.Combine(FixturePaths.TinyWikitext, "wiki.valid.tokens");
        config.Data.ValidationPath = Path.Combine(FixturePaths.TinyWikitext, "wiki.test.tokens");
        config.Model.ModelDimension = 32;
        config.Model.FeedForwardDimension = 64;
        config.Model.Heads = 2;
        config.Model.Layers = 2;
        config.Optimizer.Lr = 1e-2;
        config.Training.MaxSteps = 4;
        config.Training.EvaluateEvery = 2;
        config.Training.OutputDirectory = RunPath;
        new Trainer(config, resume: false, force: false).Run(_ => { });
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("joma-attention-").FullName;
    public string RunPath => Path.Combine(Root, "run");

    /// <summary>A copy of the run to damage.</summary>
    public string Copy(string name)
    {
        var target = Path.Combine(Root, name);
        foreach (var file in Directory.GetFiles(RunPath, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(RunPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Opening a trained run for inference and measuring its checkpoints; each way a run can be unusable has its error.</summary>
public class LanguageModelRunTests : IClassFixture<TinyRunFixture>
{
    readonly TinyRunFixture run;

    public LanguageModelRunTests(TinyRunFixture run)
    {
        NativeLibraries.EnsureLoaded();
        this.run = run;
    }

    /// <summary>Statistics rows as Measure-JomaCorpusStatistics writes them (listed tokens by rank, then the pooled rest).</summary>
    static List<CorpusTokenStatistic> Statistics(int vocabularySize, string extraToken = ",") =>
    [
        new() { Query = "the", Token = "of", Rank = 2, VocabularySize = vocabularySize },
        new() { Query = "the", Token = extraToken, Rank = 1, VocabularySize = vocabularySize },
        new() { Query = "the", Token = "<rest>", TokenId = -1, VocabularySize = vocabularySize },
        new() { Query = "of", Token = "the", Rank = 1, VocabularySize = vocabularySize },
        new() { Query = "of", Token = "<rest>", TokenId = -1, VocabularySize = vocabularySize },
    ];

    int VocabularySize => LanguageModelRun.Open(run.RunPath).Vocabulary.Count;

    [Fact]
    public void MeasuresEveryCheckpointOfARunInStepOrder()
    {
        var measurement = TokenAttentionMeasurement.FromStatistics(Statistics(VocabularySize), new TokenAttentionOptions { MaxWindows = 5, PerHead = true });
        var checkpoints = measurement.Checkpoints(run.RunPath);
        Assert.Equal(new long[] { 0, 2, 4 }, checkpoints.Select(c => c.Step));
        var results = checkpoints.Select(c => measurement.Measure(c)).ToList();
        foreach (var (result, checkpoint) in results.Zip(checkpoints))
        {
            Assert.Equal(("tiny", checkpoint.Step), (result.Run, result.Step));
            Assert.Empty(result.Skipped);
            // the (listed by rank: ",", "of"; rest), of (the; rest) × (head average + 2 heads)
            Assert.Equal(3 * 5, result.Rows.Count);
            Assert.Equal(new[] { ",", "of", "<rest>", "the", "<rest>" }, result.Rows.Where(r => r.Head == -1).Select(r => r.Token));
            Assert.All(result.Rows, r => Assert.Equal(checkpoint.Folder, r.Source));
            foreach (var g in result.Rows.GroupBy(r => (r.Head, r.Query))) Assert.Equal(1.0, g.Sum(r => r.Share), 1e-9);
            Assert.All(result.Rows, r => Assert.True(r.Rows > 0));
        }
        // The weights are the checkpoints' own: training moved the attention between step 0 and step 4.
        double moved = results[0].Rows.Zip(results[2].Rows).Max(p => Math.Abs(p.First.Share - p.Second.Share));
        Assert.True(moved > 1e-4, $"shares moved by {moved}");

        // A checkpoint folder alone names that checkpoint.
        var one = Assert.Single(measurement.Checkpoints(checkpoints[1].Folder + Path.DirectorySeparatorChar));
        Assert.Equal((2L, "tiny", checkpoints[1].Folder), (one.Step, one.Run.Name, one.Folder));
        Assert.Equal(results[1].Rows.Select(r => r.Share), measurement.Measure(one).Rows.Select(r => r.Share));
    }

    [Fact]
    public void LoadingAModelLeavesTheGlobalGeneratorAlone()
    {
        var checkpoint = LanguageModelRun.Resolve(run.RunPath)[^1];
        using var before = get_rng_state();
        using (var model = checkpoint.LoadModel(CPU)) Assert.False(model.training);
        using var after = get_rng_state();
        Assert.True(before.data<byte>().ToArray().SequenceEqual(after.data<byte>().ToArray()));
    }

    [Fact]
    public void MissingOrForeignFoldersAreNotRuns()
    {
        var e = Assert.Throws<JomaException>(() => LanguageModelRun.Resolve(Path.Combine(run.Root, "nowhere")));
        Assert.Equal(("RunNotFound", JomaErrorKind.ObjectNotFound), (e.ErrorId, e.Kind));
        var empty = Directory.CreateDirectory(Path.Combine(run.Root, "empty")).FullName;
        Assert.Equal("RunNotFound", Assert.Throws<JomaException>(() => LanguageModelRun.Resolve(empty)).ErrorId);

        var noCheckpoints = run.Copy("no-checkpoints");
        Directory.Delete(Path.Combine(noCheckpoints, "checkpoints"), recursive: true);
        e = Assert.Throws<JomaException>(() => LanguageModelRun.Resolve(noCheckpoints));
        Assert.Equal(("CheckpointNotFound", JomaErrorKind.ObjectNotFound), (e.ErrorId, e.Kind));
    }

    [Fact]
    public void StatisticsOfAnotherVocabularyAreRefused()
    {
        var options = new TokenAttentionOptions { MaxWindows = 2 };
        var e = Assert.Throws<JomaException>(() => TokenAttentionMeasurement.FromStatistics(Statistics(VocabularySize + 1), options).Checkpoints(run.RunPath));
        Assert.Equal(("VocabularyMismatch", JomaErrorKind.InvalidData), (e.ErrorId, e.Kind));
        Assert.Contains("config", e.Message);
        e = Assert.Throws<JomaException>(() => TokenAttentionMeasurement.FromStatistics(Statistics(VocabularySize, extraToken: "xylophonically"), options).Checkpoints(run.RunPath));
        Assert.Equal("VocabularyMismatch", e.ErrorId);
        Assert.Contains("xylophonically", e.Message);
    }

    [Fact]
    public void ACheckpointOfAnotherVocabularySizeIsRefused()
    {
        var copy = run.Copy("grown-vocabulary");
        File.AppendAllLines(Path.Combine(copy, "vocab.txt"), ["an-extra-token"]);
        var measurement = TokenAttentionMeasurement.FromStatistics(Statistics(0), new TokenAttentionOptions { MaxWindows = 2 });   // 0: size not recorded
        var checkpoint = measurement.Checkpoints(copy)[0];
        var e = Assert.Throws<JomaException>(() => measurement.Measure(checkpoint));
        Assert.Equal(("CheckpointVocabularyMismatch", JomaErrorKind.InvalidData), (e.ErrorId, e.Kind));
    }

    [Fact]
    public void ADamagedModelOrAMissingSplitIsReported()
    {
        var copy = run.Copy("damaged");
        var latest = new RunFolder(copy).CheckpointFolders()[^1];
        File.Delete(Path.Combine(latest, "optimizer.pt"));                                          // not needed for inference
        var measurement = TokenAttentionMeasurement.FromStatistics(Statistics(VocabularySize), new TokenAttentionOptions { MaxWindows = 2 });
        Assert.NotEmpty(measurement.Measure(measurement.Checkpoints(latest).Single()).Rows);
        var model = RunFolder.ModelPath(latest);
        File.WriteAllBytes(model, File.ReadAllBytes(model)[..1000]);
        Assert.Equal("CheckpointCorrupt", Assert.Throws<JomaException>(() => measurement.Measure(measurement.Checkpoints(latest).Single())).ErrorId);

        var test = TokenAttentionMeasurement.FromStatistics(Statistics(VocabularySize), new TokenAttentionOptions { Split = ProbeSplit.Test });
        Assert.Equal("ProbeSplitMissing", Assert.Throws<JomaException>(() => test.Checkpoints(run.RunPath)).ErrorId);
        var layer = TokenAttentionMeasurement.FromStatistics(Statistics(VocabularySize), new TokenAttentionOptions { Layer = 2 });
        Assert.Equal("LayerOutOfRange", Assert.Throws<JomaException>(() => layer.Checkpoints(run.RunPath)).ErrorId);
    }
}
