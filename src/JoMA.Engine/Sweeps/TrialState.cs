namespace JoMA.Engine.Sweeps;

/// <summary>Where a trial stands, read from its run folder (and the scheduler while it is live).</summary>
public enum TrialState
{
    /// <summary>Never started.</summary>
    Pending,
    /// <summary>Submitted to the scheduler, waiting for a slot.</summary>
    Queued,
    Running,
    /// <summary>Trained to its end.</summary>
    Done,
    /// <summary>Its process ended with an error (or was killed by the scheduler); see its log. Rerun with -Retry Failed.</summary>
    Failed,
    /// <summary>Started, then stopped without finishing (Ctrl-C, a killed shell); the next run resumes it from its newest checkpoint.</summary>
    Interrupted,
}
