using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Host;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Sweeps;

namespace JoMA.PowerShell;

public enum SweepScheduler { Local, Slurm }
public enum SweepRetry { Failed }

/// <summary>
/// Expands a grid over a training config into trials (each a normal run folder under -OutputDirectory/trials)
/// and runs them as separate processes here or as a Slurm job array, streaming every trial's snapshots
/// tagged with its grid values. Finished trials are skipped (their snapshots replayed), interrupted ones resume.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "JomaSweep", SupportsShouldProcess = true, DefaultParameterSetName = "Local")]
[OutputType(typeof(JomaSweepSnapshot))]
public sealed class StartJomaSweepCommand : JomaCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    [Parameter(ValueFromPipeline = true)]
    public TrainingConfig? Config { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ConfigHashtableCompleter))]
    public Hashtable? Grid { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    [Parameter]
    public SweepScheduler Scheduler { get; set; } = SweepScheduler.Local;

    [Parameter]
    [ValidateRange(0, 100_000)]
    public int ThrottleLimit { get; set; } = -1;

    [Parameter]
    public SweepRetry[]? Retry { get; set; }

    [Parameter] public string? Partition { get; set; }
    [Parameter] public string? TimeLimit { get; set; }
    [Parameter] [ValidateRange(1, 10_000)] public int CpusPerTrial { get; set; }
    [Parameter] [ValidateRange(1, 64)] public int GpusPerTrial { get; set; }
    [Parameter] public string? MemoryPerTrial { get; set; }
    [Parameter] public string[]? SbatchOption { get; set; }
    [Parameter] public SwitchParameter CancelOnStop { get; set; }
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var sweep = new SweepFolder(ResolveFilePath(OutputDirectory!));
        IReadOnlyList<SweepTrial> trials;
        SweepDefinition definition;
        try
        {
            definition = ConfigPath is not null ? SweepDefinition.Load(ResolveFilePath(ConfigPath)) : new SweepDefinition(Config?.Clone() ?? new TrainingConfig(), new SweepGrid());
            if (Grid is not null) AddGrid(definition.Grid, Grid);
            trials = definition.Grid.Expand(definition.BaseConfig);
            foreach (var trial in trials) Engine.Training.Trainer.Validate(trial.Config);
            if (Scheduler == SweepScheduler.Slurm) new SlurmClient().EnsureReachable();
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, ConfigPath ?? OutputDirectory);
            return;
        }
        WriteVerbose($"The grid has {trials.Count} trial(s).");

        var where = Scheduler == SweepScheduler.Slurm ? "submit them to Slurm as a job array" : "run them as local processes";
        if (!ShouldProcess(sweep.Path, $"Write {trials.Count} trial folder(s) and {where}")) return;

        IReadOnlyList<SweepTrialRecord> records;
        try
        {
            records = sweep.Prepare(definition, trials, Force.IsPresent);
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, sweep.Path);
            return;
        }
        var retryFailed = Retry?.Contains(SweepRetry.Failed) == true;
        var toRun = records.Where(r => sweep.Trial(r.Id).StateOnDisk() switch
        {
            TrialState.Done => false,
            TrialState.Failed => retryFailed,
            _ => true,
        }).Select(r => r.Id).ToHashSet();
        WriteVerbose($"{records.Count - toRun.Count} trial(s) need no work; {toRun.Count} to run.");

        ISweepBackend backend = Scheduler == SweepScheduler.Slurm
            ? new SlurmSweepBackend(sweep, SlurmSettings(), TrialCommand(), new SlurmClient(), WriteVerbose)
            : new LocalSweepBackend(sweep, TrialCommand(), ThrottleLimit > 0 ? ThrottleLimit : 2, WriteVerbose);
        var runner = new SweepRunner(sweep, backend)
        {
            OnSnapshot = s => WriteObject(GridValueProperties.Tag(s, s.Values)),
            OnTrialEnded = TrialEnded,
            OnProgress = Progress,
        };
        bool finished = false;
        try
        {
            runner.Run(records, toRun, PipelineStopToken);
            finished = true;
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, sweep.Path);
        }
        catch (OperationCanceledException) when (Stopping || PipelineStopToken.IsCancellationRequested)
        {
            // Write* no longer works once the pipeline stops; the host still shows a line.
            Host.UI.WriteWarningLine($"Start-JomaSweep was interrupted. Finished trials and every trial's checkpoints stay in '{sweep.Path}'; " +
                $"run the same Start-JomaSweep command again (same -OutputDirectory) to resume each trial where it stopped.");
            throw new PipelineStoppedException();
        }
        finally
        {
            if (!finished) StopBackend(backend);
            if (!Stopping) WriteProgress(new ProgressRecord(1, "Start-JomaSweep", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>Local trials are our child processes and stop with us; Slurm jobs are cancelled only when the user says so.</summary>
    void StopBackend(ISweepBackend backend)
    {
        if (backend is not SlurmSweepBackend slurm)
        {
            backend.Cancel();
            return;
        }
        if (slurm.JobIds.Count == 0) return;
        bool cancel = CancelOnStop.IsPresent;
        if (!cancel && Stopping)
        {
            try
            {
                // Ctrl-C: the pipeline is stopping, so ask through the host directly.
                var choices = new System.Collections.ObjectModel.Collection<ChoiceDescription>
                {
                    new("&Leave running", "Keep the jobs; Get-JomaSweep or Start-JomaSweep follows them later."),
                    new("&Cancel jobs", $"scancel {string.Join(" ", slurm.JobIds)}"),
                };
                cancel = Host.UI.PromptForChoice("Start-JomaSweep stopped", $"Cancel the submitted Slurm job(s) {string.Join(", ", slurm.JobIds)}?", choices, 0) == 1;
            }
            catch (Exception e) when (e is PSInvalidOperationException or HostException or NotImplementedException or PipelineStoppedException)
            {
                cancel = false; // a non-interactive host cannot ask: the jobs stay, as without Ctrl-C
            }
        }
        if (cancel)
        {
            try { slurm.Cancel(); }
            catch (JomaException) { } // nothing can be reported on a stopping pipeline; the jobs show in squeue
        }
    }

    void TrialEnded(JomaSweepTrial trial)
    {
        if (trial.State == TrialState.Done)
        {
            WriteVerbose($"Trial {trial.Trial} ({trial.Name}) done at step {trial.Step}, best validation loss {trial.BestValidationLoss:F4}.");
            return;
        }
        var error = new JomaException("TrialFailed", JomaErrorKind.InvalidOperation,
            $"Trial {trial.Trial} ({trial.Name}) failed. Its log ({trial.Path}/trial.log) ends with:{Environment.NewLine}{trial.LogTail}{Environment.NewLine}" +
            "Fix the cause, then run Start-JomaSweep again with -Retry Failed.");
        WriteJomaError(error, GridValueProperties.Tag(trial, trial.Values));
    }

    readonly Stopwatch progressThrottle = Stopwatch.StartNew();

    void Progress(SweepProgress p)
    {
        if (progressThrottle.ElapsedMilliseconds < 1000 && p.Left + p.Running + p.Queued > 0) return;
        progressThrottle.Restart();
        var record = new ProgressRecord(1, "Start-JomaSweep", $"{p.Done} done, {p.Failed} failed, {p.Running} running, {p.Left} left of {p.Total}")
        {
            PercentComplete = (int)(100.0 * (p.Done + p.Failed) / Math.Max(1, p.Total)),
            SecondsRemaining = p.Remaining is { } r ? (int)r.TotalSeconds : -1,
        };
        WriteProgress(record);
    }

    static void AddGrid(SweepGrid grid, Hashtable table)
    {
        foreach (DictionaryEntry entry in table)
        {
            var value = entry.Value is PSObject p ? p.BaseObject : entry.Value;
            var values = value is IEnumerable list and not string
                ? list.Cast<object?>().Select(v => v is PSObject o ? o.BaseObject : v)
                : new[] { value };
            grid.AddAxis(entry.Key.ToString()!, values);
        }
    }

    SlurmOptions SlurmSettings() => new()
    {
        Partition = Partition, TimeLimit = TimeLimit, CpusPerTrial = CpusPerTrial, GpusPerTrial = GpusPerTrial, MemoryPerTrial = MemoryPerTrial,
        Throttle = Math.Max(0, ThrottleLimit), ExtraOptions = SbatchOption ?? Array.Empty<string>(),
        JobName = "joma-" + Path.GetFileName(new SweepFolder(ResolveFilePath(OutputDirectory!)).Path),
    };

    /// <summary>The same PowerShell as this one: its executable, plus pwsh.dll when it runs under `dotnet`.</summary>
    static TrialCommand TrialCommand()
    {
        var moduleBase = Path.GetDirectoryName(typeof(StartJomaSweepCommand).Assembly.Location)!;
        var executable = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(executable) == "dotnet"
            ? new[] { Path.Combine(Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!, "pwsh.dll") }
            : Array.Empty<string>();
        return new TrialCommand(executable, prefix, Path.Combine(moduleBase, "JoMA.SweepTrial.ps1"), Path.Combine(moduleBase, "JoMA.psd1"));
    }
}
