namespace JoMA.Engine.Sweeps;

/// <summary>Where a running sweep stands: trials done (or failed), running, queued and left, with an estimate of the time remaining.</summary>
public sealed record SweepProgress(int Total, int Done, int Failed, int Running, int Queued, TimeSpan Elapsed, TimeSpan? Remaining)
{
    public int Left => Total - Done - Failed - Running;
}
