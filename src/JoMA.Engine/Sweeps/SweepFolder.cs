using JoMA.Engine.Training;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// A sweep on disk: sweep.yaml (the base config, as resolved), trials.txt (trial ids, one a line; line N+1 is
/// Slurm array index N, append-only so indices never move), trials/&lt;id&gt;/ (each a normal run folder, see
/// <see cref="TrialFolder"/>), and for Slurm sweep.sbatch and slurm-jobs.txt (the array jobs submitted).
/// </summary>
public sealed class SweepFolder
{
    public SweepFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string ConfigPath => System.IO.Path.Combine(Path, "sweep.yaml");
    public string TrialListPath => System.IO.Path.Combine(Path, "trials.txt");
    public string TrialsPath => System.IO.Path.Combine(Path, "trials");
    public string BatchScriptPath => System.IO.Path.Combine(Path, "sweep.sbatch");
    public string SlurmJobsPath => System.IO.Path.Combine(Path, "slurm-jobs.txt");
    public string SlurmLogsPath => System.IO.Path.Combine(Path, "slurm-logs");

    public bool Exists => File.Exists(ConfigPath);

    public TrialFolder Trial(string id) => new(System.IO.Path.Combine(TrialsPath, id));

    /// <summary>
    /// Writes the sweep's folders for <paramref name="trials"/>: sweep.yaml, new trial ids appended to trials.txt,
    /// and for each new trial its resolved config.yaml and trial.json. Trials already there keep their runs.
    /// A different base config in the same folder is refused unless <paramref name="force"/> (which replaces the sweep).
    /// </summary>
    public IReadOnlyList<SweepTrialRecord> Prepare(SweepDefinition definition, IReadOnlyList<SweepTrial> trials, bool force)
    {
        var baseYaml = BaseConfigYaml(definition);
        if (Exists && File.ReadAllText(ConfigPath) != baseYaml)
        {
            if (!force)
                throw new JomaException("SweepConfigChanged", JomaErrorKind.InvalidOperation,
                    $"'{Path}' holds a sweep with a different base config. Use another -OutputDirectory, or -Force to replace that sweep and its trials.");
            FileWrites.Guard(Path, () =>
            {
                Directory.Delete(TrialsPath, recursive: true);
                File.Delete(TrialListPath);
            });
        }
        FileWrites.Guard(Path, () => Directory.CreateDirectory(TrialsPath));
        WriteAtomically(ConfigPath, baseYaml);

        var ids = ReadTrialIds().ToList();
        var records = new List<SweepTrialRecord>();
        foreach (var trial in trials)
        {
            int index = ids.IndexOf(trial.Id);
            if (index < 0) { ids.Add(trial.Id); index = ids.Count - 1; }
            var folder = Trial(trial.Id);
            var record = new SweepTrialRecord { Id = trial.Id, Index = index, Name = trial.Name, Values = trial.Values.ToDictionary(v => v.Key, v => v.Value) };
            FileWrites.Guard(folder.Path, () => Directory.CreateDirectory(folder.Path));
            if (!File.Exists(folder.Run.ConfigPath))
            {
                var config = trial.Config.Clone();
                config.Run = trial.Id;
                config.Training.OutputDirectory = folder.Path;
                config.Save(folder.Run.ConfigPath);
            }
            if (!File.Exists(folder.TrialFile)) WriteAtomically(folder.TrialFile, record.ToJson());
            records.Add(record);
        }
        WriteAtomically(TrialListPath, string.Join("\n", ids) + "\n");
        return records;
    }

    static string BaseConfigYaml(SweepDefinition definition)
    {
        var config = definition.BaseConfig.Clone();
        config.Training.OutputDirectory = null;
        config.Run = null;
        return config.ToYaml();
    }

    public IReadOnlyList<string> ReadTrialIds() =>
        File.Exists(TrialListPath) ? File.ReadAllLines(TrialListPath).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList() : Array.Empty<string>();

    /// <summary>Every trial of the sweep, in trials.txt order.</summary>
    public IReadOnlyList<SweepTrialRecord> ReadTrials()
    {
        if (!Exists)
            throw new JomaException("SweepNotFound", JomaErrorKind.ObjectNotFound, $"'{Path}' holds no sweep (no sweep.yaml). Give the -OutputDirectory a Start-JomaSweep wrote.");
        return ReadTrialIds().Select(id => Trial(id)).Where(t => File.Exists(t.TrialFile)).Select(t => SweepTrialRecord.Read(t.TrialFile)).ToList();
    }

    /// <summary>The Slurm array jobs this sweep submitted, oldest first.</summary>
    public IReadOnlyList<string> ReadSlurmJobs() =>
        File.Exists(SlurmJobsPath) ? File.ReadAllLines(SlurmJobsPath).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList() : Array.Empty<string>();

    public void RecordSlurmJob(string jobId) => FileWrites.Guard(SlurmJobsPath, () => File.AppendAllText(SlurmJobsPath, jobId + "\n"));

    public static void WriteAtomically(string path, string text)
    {
        FileWrites.WriteAllText(path, text);
    }
}
