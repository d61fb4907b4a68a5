using System.Diagnostics;
using System.Text.Json;
using JoMA.Engine.Training;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// One trial's folder: a normal training run folder (config.yaml, metrics.jsonl, checkpoints/) plus what the
/// sweep keeps beside it: trial.json (id and grid values), trial.log (the trial process's output),
/// process.json (host and pid while it runs), slurm-job (its array task) and exit-code (written last, when
/// the trial process ends by itself: 0 means done).
/// </summary>
public sealed class TrialFolder
{
    public TrialFolder(string path) => Run = new RunFolder(path);

    public RunFolder Run { get; }
    public string Path => Run.Path;
    public string TrialFile => System.IO.Path.Combine(Path, "trial.json");
    public string LogPath => System.IO.Path.Combine(Path, "trial.log");
    public string ProcessFile => System.IO.Path.Combine(Path, "process.json");
    public string ExitCodeFile => System.IO.Path.Combine(Path, "exit-code");
    public string SlurmJobFile => System.IO.Path.Combine(Path, "slurm-job");

    /// <summary>The exit status the trial process recorded, or null when it has not ended by itself.</summary>
    public int? ExitCode => File.Exists(ExitCodeFile) && int.TryParse(File.ReadAllText(ExitCodeFile).Trim(), out var code) ? code : null;

    /// <summary>The Slurm array task (jobid_index) this trial was last submitted as, if any.</summary>
    public string? SlurmJob => File.Exists(SlurmJobFile) ? File.ReadAllText(SlurmJobFile).Trim() : null;

    public bool HasProgress => File.Exists(Run.MetricsPath) || (Directory.Exists(Run.CheckpointsPath) && Directory.EnumerateDirectories(Run.CheckpointsPath, "step-*").Any());

    /// <summary>Forgets how the last attempt ended, before a new one starts.</summary>
    public void ClearOutcome()
    {
        File.Delete(ExitCodeFile);
        File.Delete(ProcessFile);
    }

    /// <summary>
    /// The state the folder shows by itself: exit-code decides Done/Failed; otherwise a live process on this
    /// host means Running, and any metrics or checkpoints mean Interrupted.
    /// </summary>
    public TrialState StateOnDisk()
    {
        if (ExitCode is { } code) return code == 0 ? TrialState.Done : TrialState.Failed;
        if (LocalProcessAlive()) return TrialState.Running;
        return HasProgress || File.Exists(ProcessFile) ? TrialState.Interrupted : TrialState.Pending;
    }

    /// <summary>The pid in process.json, when it names a live process on this machine that started when the trial did.</summary>
    public int? LiveLocalProcessId()
    {
        if (!File.Exists(ProcessFile)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(ProcessFile));
            var root = doc.RootElement;
            if (root.GetProperty("Host").GetString() != Environment.MachineName) return null;
            int pid = root.GetProperty("Pid").GetInt32();
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return null;
            // A recycled pid belongs to a process that started after the trial's record was written.
            var started = root.GetProperty("Started").GetDateTime().ToUniversalTime();
            return process.StartTime.ToUniversalTime() <= started.AddSeconds(5) ? pid : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException or KeyNotFoundException or FormatException or IOException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    bool LocalProcessAlive() => LiveLocalProcessId() is not null;

    /// <summary>The last lines of trial.log, to show why a trial failed.</summary>
    public string LogTail(int lines = 15)
    {
        if (!File.Exists(LogPath)) return "";
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        return string.Join(Environment.NewLine, all.TakeLast(lines));
    }
}
