namespace JoMA.Engine.Sweeps;

/// <summary>What each trial asks Slurm for; null or 0 leaves a setting to the cluster's defaults.</summary>
public sealed class SlurmOptions
{
    public string? Partition { get; init; }
    /// <summary>Wall time per trial, in a form sbatch takes (e.g. 04:00:00, 2-00:00:00).</summary>
    public string? TimeLimit { get; init; }
    public int CpusPerTrial { get; init; }
    public int GpusPerTrial { get; init; }
    /// <summary>Memory per trial as sbatch takes it (e.g. 16G).</summary>
    public string? MemoryPerTrial { get; init; }
    /// <summary>At most this many trials run at once (%throttle of the job array); 0 for no limit.</summary>
    public int Throttle { get; init; }
    /// <summary>Further sbatch options, each written as its own #SBATCH line (e.g. --account=abc, --qos=high).</summary>
    public IReadOnlyList<string> ExtraOptions { get; init; } = Array.Empty<string>();
    public string JobName { get; init; } = "joma-sweep";
}
