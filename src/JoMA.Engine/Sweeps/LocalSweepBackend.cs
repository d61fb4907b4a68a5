using System.Diagnostics;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// Runs each trial as a child process of the same PowerShell, at most <c>throttle</c> at a time. Each child
/// gets an even share of the CPU threads. A trial whose process from an earlier controller is still alive is
/// followed by its pid instead of being started again.
/// </summary>
public sealed class LocalSweepBackend : ISweepBackend
{
    readonly SweepFolder sweep;
    readonly TrialCommand command;
    readonly int throttle;
    readonly Action<string> log;
    readonly Queue<SweepTrialRecord> waiting = new();
    readonly Dictionary<string, Process> running = new();
    readonly Dictionary<string, string> endReasons = new();

    public LocalSweepBackend(SweepFolder sweep, TrialCommand command, int throttle, Action<string>? log = null)
    {
        this.sweep = sweep;
        this.command = command;
        this.throttle = Math.Max(1, throttle);
        this.log = log ?? (_ => { });
    }

    public void Start(IReadOnlyList<SweepTrialRecord> trials)
    {
        foreach (var trial in trials)
        {
            if (sweep.Trial(trial.Id).LiveLocalProcessId() is { } pid)
            {
                log($"Trial {trial.Id} ({trial.Name}) is still running as process {pid}; following it.");
                running[trial.Id] = Process.GetProcessById(pid);
            }
            else waiting.Enqueue(trial);
        }
    }

    public IReadOnlyDictionary<string, TrialState> Poll()
    {
        foreach (var (id, process) in running.ToList())
        {
            if (!process.HasExited) continue;
            try { if (process.ExitCode != 0) endReasons[id] = $"its process exited with code {process.ExitCode}"; }
            catch (InvalidOperationException) { endReasons[id] = "its process (started by an earlier controller) ended"; }
            process.Dispose();
            running.Remove(id);
        }
        while (running.Count < throttle && waiting.Count > 0) Launch(waiting.Dequeue());
        var live = running.Keys.ToDictionary(id => id, _ => TrialState.Running);
        foreach (var trial in waiting) live[trial.Id] = TrialState.Queued;
        return live;
    }

    void Launch(SweepTrialRecord trial)
    {
        var folder = sweep.Trial(trial.Id);
        folder.ClearOutcome();
        var start = new ProcessStartInfo(command.Executable)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        foreach (var argument in command.Arguments(folder.Path)) start.ArgumentList.Add(argument);
        // Trials share the cores: without this every libtorch would start one thread per core.
        start.Environment["OMP_NUM_THREADS"] = Math.Max(1, Environment.ProcessorCount / throttle).ToString();
        var process = Process.Start(start) ?? throw new JomaException("TrialStartFailed", JomaErrorKind.InvalidOperation, $"Could not start '{command.Executable}' for trial {trial.Id}.");
        // The trial script writes its own log; its console output is drained so it never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        running[trial.Id] = process;
        log($"Started trial {trial.Id} ({trial.Name}) as process {process.Id}.");
    }

    public string? EndReason(string trialId) => endReasons.GetValueOrDefault(trialId);

    public void Cancel()
    {
        waiting.Clear();
        foreach (var (id, process) in running)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException) { } // already gone
            log($"Stopped trial {id}; the next run resumes it from its newest checkpoint.");
        }
        running.Clear();
    }
}
