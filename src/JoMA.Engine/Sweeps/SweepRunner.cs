namespace JoMA.Engine.Sweeps;

/// <summary>
/// Drives a sweep on the caller's thread: replays the snapshots of finished trials, hands the others to a
/// backend, and until they end streams every new snapshot (tailing each trial's metrics.jsonl) and reports
/// each trial as it ends. The callbacks run on the caller's thread, so they may write to a pipeline.
/// </summary>
public sealed class SweepRunner
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    readonly SweepFolder sweep;
    readonly ISweepBackend backend;

    public SweepRunner(SweepFolder sweep, ISweepBackend backend)
    {
        this.sweep = sweep;
        this.backend = backend;
    }

    public Action<JomaSweepSnapshot> OnSnapshot { get; init; } = _ => { };
    public Action<JomaSweepTrial> OnTrialEnded { get; init; } = _ => { };
    public Action<SweepProgress> OnProgress { get; init; } = _ => { };

    /// <param name="trials">Every trial of the sweep (finished ones are replayed).</param>
    /// <param name="toRun">The trials to start or follow.</param>
    public void Run(IReadOnlyList<SweepTrialRecord> trials, IReadOnlyCollection<string> toRun, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tails = trials.ToDictionary(t => t.Id, t => new MetricsTail(sweep.Trial(t.Id).Run.MetricsPath));
        var active = trials.Where(t => toRun.Contains(t.Id)).ToList();
        int done = 0, failed = 0;
        foreach (var trial in trials.Where(t => !toRun.Contains(t.Id)))
        {
            Emit(trial);
            var row = JomaSweepTrial.Read(trial, sweep.Trial(trial.Id));
            if (row.State == TrialState.Done) done++; else if (row.State == TrialState.Failed) failed++;
        }
        int doneBefore = done + failed;
        if (active.Count == 0)
        {
            OnProgress(new SweepProgress(trials.Count, done, failed, 0, 0, clock.Elapsed, TimeSpan.Zero));
            return;
        }

        backend.Start(active);
        {
            while (active.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                var live = backend.Poll();
                foreach (var trial in active.ToList())
                {
                    Emit(trial);
                    if (live.ContainsKey(trial.Id)) continue;
                    active.Remove(trial);
                    var row = JomaSweepTrial.Read(trial, sweep.Trial(trial.Id));
                    if (row.State != TrialState.Done && row.ExitCode is null)
                    {
                        // Ended without recording an exit status (killed): failed, with the backend's reason in the log tail.
                        var reason = backend.EndReason(trial.Id) ?? "its process ended without recording an exit status";
                        row = new JomaSweepTrial
                        {
                            Trial = row.Trial, Name = row.Name, Values = row.Values, State = TrialState.Failed, Step = row.Step,
                            BestValidationLoss = row.BestValidationLoss, FinalValidationLoss = row.FinalValidationLoss, LayerEntropy = row.LayerEntropy,
                            SlurmJob = row.SlurmJob, Path = row.Path,
                            LogTail = (sweep.Trial(trial.Id).LogTail() + Environment.NewLine + $"(Start-JomaSweep: {reason}; a new run resumes it from its newest checkpoint.)").Trim(),
                        };
                    }
                    if (row.State == TrialState.Done) done++; else failed++;
                    OnTrialEnded(row);
                }
                int running = live.Values.Count(s => s == TrialState.Running), queued = live.Count - running;
                int finishedNow = done + failed - doneBefore;
                TimeSpan? remaining = finishedNow > 0 ? clock.Elapsed / finishedNow * (running + queued) : null;
                OnProgress(new SweepProgress(trials.Count, done, failed, running, queued, clock.Elapsed, remaining));
                if (active.Count > 0) cancellation.WaitHandle.WaitOne(PollInterval);
            }
        }

        void Emit(SweepTrialRecord trial)
        {
            foreach (var line in tails[trial.Id].ReadNew()) OnSnapshot(JomaSweepSnapshot.From(trial, line));
        }
    }
}
