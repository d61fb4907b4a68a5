using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Sweeps;

namespace JoMA.PowerShell;

/// <summary>
/// Summarises a sweep folder: one row per trial (grid values, state, last step, best validation loss, final
/// per-layer entropy), asking Slurm about trials it still holds; -Aggregate groups trials over seeds (mean ± std).
/// </summary>
[Cmdlet(VerbsCommon.Get, "JomaSweep")]
[OutputType(typeof(JomaSweepTrial), typeof(JomaSweepAggregate))]
public sealed class GetJomaSweepCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "OutputDirectory")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    public SwitchParameter Aggregate { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConfigKeyCompleter))]
    public string[] AggregateOver { get; set; } = { "seed" };

    protected override void ProcessRecord()
    {
        var sweep = new SweepFolder(ResolveFilePath(Path!));
        try
        {
            var records = sweep.ReadTrials();
            var live = LiveStates(sweep, records);
            var rows = records.Select(r => JomaSweepTrial.Read(r, sweep.Trial(r.Id), live.GetValueOrDefault(r.Id))).ToList();
            if (Aggregate)
                foreach (var group in SweepSummary.Aggregate(rows, AggregateOver)) WriteObject(GridValueProperties.Tag(group, group.Values));
            else
                foreach (var row in rows) WriteObject(GridValueProperties.Tag(row, row.Values));
        }
        catch (JomaException e)
        {
            WriteJomaError(e, sweep.Path);
        }
    }

    /// <summary>What squeue says about trials submitted to Slurm; nothing when the sweep never used Slurm or squeue cannot answer.</summary>
    Dictionary<string, TrialState?> LiveStates(SweepFolder sweep, IReadOnlyList<SweepTrialRecord> records)
    {
        var states = new Dictionary<string, TrialState?>();
        var jobs = sweep.ReadSlurmJobs();
        if (jobs.Count == 0) return states;
        IReadOnlyDictionary<string, string>? queue = null;
        try { queue = new SlurmClient().QueueStates(jobs); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JomaException)
        {
            WriteVerbose($"squeue could not be asked ({e.Message}); states come from the trial folders alone.");
        }
        if (queue is null) return states;
        foreach (var record in records)
            if (sweep.Trial(record.Id).SlurmJob is { } task && queue.TryGetValue(task, out var state))
                states[record.Id] = state is "RUNNING" or "COMPLETING" ? TrialState.Running : state == "PENDING" ? TrialState.Queued : null;
        return states;
    }
}
