namespace JoMA.Engine.Sweeps;

/// <summary>
/// Submits trials to Slurm as one job array (sweep.sbatch; %throttle caps how many run at once) and follows
/// them with squeue. Trials still queued or running from an earlier submission are followed, not submitted
/// again. A task that leaves the queue without writing its exit-code is reported with sacct's state when
/// accounting is on.
/// </summary>
public sealed class SlurmSweepBackend : ISweepBackend
{
    readonly SweepFolder sweep;
    readonly SlurmOptions options;
    readonly TrialCommand command;
    readonly SlurmClient slurm;
    readonly Action<string> log;
    readonly Dictionary<string, string> tasks = new();      // trial id → jobid_index
    readonly Dictionary<string, string> endReasons = new();
    int failedPolls;

    public SlurmSweepBackend(SweepFolder sweep, SlurmOptions options, TrialCommand command, SlurmClient slurm, Action<string>? log = null)
    {
        this.sweep = sweep;
        this.options = options;
        this.command = command;
        this.slurm = slurm;
        this.log = log ?? (_ => { });
    }

    /// <summary>The array jobs followed (for scancel).</summary>
    public IReadOnlyCollection<string> JobIds => tasks.Values.Select(t => t.Split('_')[0]).Distinct().ToList();

    public void Start(IReadOnlyList<SweepTrialRecord> trials)
    {
        var queued = slurm.QueueStates(sweep.ReadSlurmJobs()) ?? new Dictionary<string, string>();
        var submit = new List<SweepTrialRecord>();
        foreach (var trial in trials)
        {
            var task = sweep.Trial(trial.Id).SlurmJob;
            if (task is not null && queued.ContainsKey(task))
            {
                log($"Trial {trial.Id} ({trial.Name}) is still in Slurm's queue as {task}; following it.");
                tasks[trial.Id] = task;
            }
            else submit.Add(trial);
        }
        if (submit.Count == 0) return;

        Directory.CreateDirectory(sweep.SlurmLogsPath);
        SweepFolder.WriteAtomically(sweep.BatchScriptPath, SlurmBatchScript.Write(sweep, options, command));
        foreach (var trial in submit) sweep.Trial(trial.Id).ClearOutcome();
        var jobId = slurm.SubmitArray(sweep.BatchScriptPath, submit.Select(t => t.Index).ToList(), options.Throttle);
        sweep.RecordSlurmJob(jobId);
        foreach (var trial in submit)
        {
            var task = $"{jobId}_{trial.Index}";
            tasks[trial.Id] = task;
            SweepFolder.WriteAtomically(sweep.Trial(trial.Id).SlurmJobFile, task);
        }
        log($"Submitted {submit.Count} trial(s) as Slurm job array {jobId}.");
    }

    public IReadOnlyDictionary<string, TrialState> Poll()
    {
        var states = slurm.QueueStates(JobIds);
        if (states is null)
        {
            // A busy controller may miss one poll; several in a row mean it is gone.
            if (++failedPolls >= 5)
                throw new JomaException("SlurmControllerUnreachable", JomaErrorKind.ResourceUnavailable,
                    "squeue has failed 5 times in a row, so the sweep cannot follow its trials. The jobs keep their state in Slurm; run Get-JomaSweep or Start-JomaSweep again once the controller answers.");
            return tasks.Keys.ToDictionary(id => id, _ => TrialState.Queued);
        }
        failedPolls = 0;
        var live = new Dictionary<string, TrialState>();
        foreach (var (id, task) in tasks.ToList())
        {
            if (states.TryGetValue(task, out var state) && !IsFinal(state))
                live[id] = state is "RUNNING" or "COMPLETING" ? TrialState.Running : TrialState.Queued;
            else
            {
                if (sweep.Trial(id).ExitCode is null)
                    endReasons[id] = $"Slurm task {task} ended without the trial recording an exit status (final state: {slurm.FinalState(task) ?? state ?? "unknown; accounting is off"})";
                tasks.Remove(id);
            }
        }
        return live;
    }

    static bool IsFinal(string state) => state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "OUT_OF_MEMORY" or "NODE_FAIL" or "PREEMPTED" or "BOOT_FAIL" or "DEADLINE";

    public string? EndReason(string trialId) => endReasons.GetValueOrDefault(trialId);

    public void Cancel()
    {
        var jobs = JobIds;
        slurm.Cancel(jobs);
        log($"Cancelled Slurm job(s) {string.Join(", ", jobs)}.");
    }
}
