namespace JoMA.Engine.Sweeps;

/// <summary>Runs trials somewhere (local processes, a Slurm cluster) and says which are still live.</summary>
public interface ISweepBackend
{
    /// <summary>Starts (or queues, or submits) the trials; trials still live from an earlier controller are followed, not started again.</summary>
    void Start(IReadOnlyList<SweepTrialRecord> trials);

    /// <summary>Advances the backend and returns the trials it still runs or queues; a trial missing from the answer has ended.</summary>
    IReadOnlyDictionary<string, TrialState> Poll();

    /// <summary>Why a trial ended without recording its exit status (killed, timed out), if the backend knows.</summary>
    string? EndReason(string trialId);

    /// <summary>Stops every trial this backend started.</summary>
    void Cancel();
}
