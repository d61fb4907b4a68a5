using JoMA.Engine.Metrics;

namespace JoMA.Engine.Sweeps;

/// <summary>One row of a sweep's summary: a trial's grid values, state, last step, best validation loss and final per-layer entropy.</summary>
public sealed class JomaSweepTrial
{
    public string Trial { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();
    public TrialState State { get; init; }
    /// <summary>The last evaluated step (null before the first evaluation).</summary>
    public long? Step { get; init; }
    public double? BestValidationLoss { get; init; }
    public double? FinalValidationLoss { get; init; }
    /// <summary>Per-layer attention entropy at the last evaluation.</summary>
    public LayerValues LayerEntropy { get; init; } = new(Array.Empty<double>());
    public int? ExitCode { get; init; }
    /// <summary>The Slurm array task (jobid_index) of the last submission, if any.</summary>
    public string? SlurmJob { get; init; }
    /// <summary>The end of trial.log, filled for failed trials.</summary>
    public string? LogTail { get; init; }
    public string Path { get; init; } = "";

    /// <summary>Summarises a trial from its folder; <paramref name="liveState"/> is what the scheduler says while it is queued or running.</summary>
    public static JomaSweepTrial Read(SweepTrialRecord record, TrialFolder folder, TrialState? liveState = null)
    {
        var metrics = MetricsLine.ReadAll(folder.Run.MetricsPath);
        var state = folder.ExitCode is not null ? folder.StateOnDisk() : liveState ?? folder.StateOnDisk();
        return new JomaSweepTrial
        {
            Trial = record.Id, Name = record.Name, Values = record.Values, State = state,
            Step = metrics.Count > 0 ? metrics[^1].Step : null,
            BestValidationLoss = metrics.Count > 0 ? metrics.Min(m => m.ValidationLoss) : null,
            FinalValidationLoss = metrics.Count > 0 ? metrics[^1].ValidationLoss : null,
            LayerEntropy = metrics.Count > 0 ? metrics[^1].LayerEntropy : new(Array.Empty<double>()),
            ExitCode = folder.ExitCode, SlurmJob = folder.SlurmJob,
            LogTail = state == TrialState.Failed ? folder.LogTail() : null,
            Path = folder.Path,
        };
    }
}
