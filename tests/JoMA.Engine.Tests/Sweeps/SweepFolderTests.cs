using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Metrics;
using JoMA.Engine.Sweeps;

namespace JoMA.Engine.Tests.Sweeps;

public class SweepFolderTests
{
    static (SweepDefinition, IReadOnlyList<SweepTrial>) Definition(params object?[] seeds)
    {
        var grid = new SweepGrid();
        grid.AddAxis("seed", seeds);
        var definition = new SweepDefinition(new TrainingConfig { Data = { TrainPath = "/data/train.txt" } }, grid);
        return (definition, grid.Expand(definition.BaseConfig));
    }

    [Fact]
    public void EachTrialGetsAResolvedRunFolderAndIndicesNeverMove()
    {
        var sweep = new SweepFolder(Directory.CreateTempSubdirectory("joma-sweep").FullName);
        var (definition, trials) = Definition(1, 2);
        var records = sweep.Prepare(definition, trials, force: false);
        Assert.Equal(new[] { 0, 1 }, records.Select(r => r.Index));
        var config = TrainingConfig.Load(sweep.Trial(records[1].Id).Run.ConfigPath);
        Assert.Equal(2, config.Seed);
        Assert.Equal(sweep.Trial(records[1].Id).Path, config.Training.OutputDirectory);
        Assert.Equal(TrialState.Pending, sweep.Trial(records[0].Id).StateOnDisk());

        var (_, more) = Definition(3, 2);
        var again = sweep.Prepare(definition, more, force: false);
        Assert.Equal(new[] { 2, 1 }, again.Select(r => r.Index));
        Assert.Equal(new[] { records[0].Id, records[1].Id, again[0].Id }, sweep.ReadTrialIds());
        Assert.Equal("2", SweepGrid.FormatValue(SweepTrialRecord.Read(sweep.Trial(records[1].Id).TrialFile).Values["seed"]));
    }

    [Fact]
    public void AChangedBaseConfigIsRefusedWithoutForce()
    {
        var sweep = new SweepFolder(Directory.CreateTempSubdirectory("joma-sweep").FullName);
        var (definition, trials) = Definition(1);
        sweep.Prepare(definition, trials, force: false);
        definition.BaseConfig.Model.Layers = 7;
        Assert.Equal("SweepConfigChanged", Assert.Throws<JomaException>(() => sweep.Prepare(definition, trials, force: false)).ErrorId);
        sweep.Prepare(definition, trials, force: true);
    }

    [Fact]
    public void StateComesFromTheExitCodeFileAndMetrics()
    {
        var sweep = new SweepFolder(Directory.CreateTempSubdirectory("joma-sweep").FullName);
        var (definition, trials) = Definition(1);
        var record = sweep.Prepare(definition, trials, force: false)[0];
        var trial = sweep.Trial(record.Id);
        File.WriteAllText(trial.Run.MetricsPath, "{\"Step\":0,\"ValidationLoss\":7.5,\"LayerEntropy\":[2.6,2.5]}\n{\"Step\":10,\"ValidationLoss\":6.5,\"LayerEntropy\":[2.4,2.3]}\n");
        Assert.Equal(TrialState.Interrupted, trial.StateOnDisk());
        File.WriteAllText(trial.ExitCodeFile, "1\n");
        File.WriteAllText(trial.LogPath, "starting\nERROR: no such file\n");
        var failed = JomaSweepTrial.Read(record, trial);
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Contains("ERROR: no such file", failed.LogTail);
        File.WriteAllText(trial.ExitCodeFile, "0");
        var done = JomaSweepTrial.Read(record, trial);
        Assert.Equal((TrialState.Done, 10L, 6.5), (done.State, done.Step!.Value, done.BestValidationLoss!.Value));
        Assert.Equal(new[] { 2.4, 2.3 }, done.LayerEntropy.ToArray());
    }

    [Fact]
    public void MetricsTailReturnsEachCompleteLineOnceAcrossARewrite()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("joma-tail").FullName, "metrics.jsonl");
        var tail = new MetricsTail(path);
        Assert.Empty(tail.ReadNew());
        File.WriteAllText(path, "{\"Step\":0,\"ValidationLoss\":7}\n{\"Step\":10,\"Valid");
        Assert.Equal(new[] { 0L }, tail.ReadNew().Select(l => l.Step));
        File.AppendAllText(path, "ationLoss\":6}\n");
        Assert.Equal(new[] { 10L }, tail.ReadNew().Select(l => l.Step));
        File.WriteAllText(path, "{\"Step\":0,\"ValidationLoss\":7}\n"); // a resume dropped step 10
        Assert.Empty(tail.ReadNew());
        File.AppendAllText(path, "{\"Step\":10,\"ValidationLoss\":6}\n{\"Step\":20,\"ValidationLoss\":5}\n");
        Assert.Equal(new[] { 20L }, tail.ReadNew().Select(l => l.Step));
    }

    [Fact]
    public void AggregationOverSeedsGivesMeanAndSampleStd()
    {
        JomaSweepTrial Row(double lr, long seed, double loss, double entropy) => new()
        {
            Values = new Dictionary<string, object?> { ["optimizer.lr"] = lr, ["seed"] = seed },
            State = TrialState.Done, BestValidationLoss = loss, LayerEntropy = new LayerValues(new[] { entropy }),
        };
        var rows = new[] { Row(1e-4, 1, 5.0, 2.0), Row(1e-4, 2, 6.0, 3.0), Row(1e-3, 1, 4.0, 1.0) };
        var groups = SweepSummary.Aggregate(rows, new[] { "seed" });
        Assert.Equal(2, groups.Count);
        Assert.Equal((2, 5.5, Math.Sqrt(0.5)), (groups[0].Done, groups[0].BestValidationLossMean!.Value, groups[0].BestValidationLossStd!.Value));
        Assert.Equal(new[] { 2.5 }, groups[0].LayerEntropyMean.ToArray());
        Assert.Equal("lr=0.0001", groups[0].Name);
        Assert.Equal(0, groups[1].BestValidationLossStd);
    }

    [Fact]
    public void TheBatchScriptIsAJobArrayOverTheTrialList()
    {
        var sweep = new SweepFolder("/shared/sweeps/wt2");
        var script = SlurmBatchScript.Write(sweep, new SlurmOptions { Partition = "gpu", GpusPerTrial = 1, TimeLimit = "04:00:00", MemoryPerTrial = "16G", ExtraOptions = new[] { "--qos=high" } },
            new TrialCommand("/usr/bin/dotnet", new[] { "/opt/pwsh/pwsh.dll" }, "/opt/JoMA/JoMA.SweepTrial.ps1", "/opt/JoMA/JoMA.psd1"));
        Assert.Contains("#SBATCH --partition=gpu\n", script);
        Assert.Contains("#SBATCH --gres=gpu:1\n", script);
        Assert.Contains("#SBATCH --time=04:00:00\n", script);
        Assert.Contains("#SBATCH --mem=16G\n", script);
        Assert.Contains("#SBATCH --qos=high\n", script);
        Assert.Contains("$((SLURM_ARRAY_TASK_ID + 1))p\" '/shared/sweeps/wt2/trials.txt'", script);
        Assert.Contains("exec '/usr/bin/dotnet' '/opt/pwsh/pwsh.dll' '-NoProfile' '-NonInteractive' '-File' '/opt/JoMA/JoMA.SweepTrial.ps1' '-Trial' '/shared/sweeps/wt2/trials'/\"$trial\" '-ModulePath' '/opt/JoMA/JoMA.psd1'", script);
    }
}
