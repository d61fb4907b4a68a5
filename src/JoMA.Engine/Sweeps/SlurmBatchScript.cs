using System.Text;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// The job-array batch script of a sweep: task N runs the trial on line N+1 of trials.txt with the trial
/// script, directly (no srun), logging into the trial's folder. Resources are per array task, i.e. per trial.
/// </summary>
public static class SlurmBatchScript
{
    public static string Write(SweepFolder sweep, SlurmOptions options, TrialCommand command)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"#SBATCH --job-name={options.JobName}\n");
        s.Append($"#SBATCH --output={sweep.SlurmLogsPath}/%A_%a.out\n");
        if (options.Partition is { Length: > 0 } partition) s.Append($"#SBATCH --partition={partition}\n");
        if (options.TimeLimit is { Length: > 0 } time) s.Append($"#SBATCH --time={time}\n");
        if (options.CpusPerTrial > 0) s.Append($"#SBATCH --cpus-per-task={options.CpusPerTrial}\n");
        if (options.GpusPerTrial > 0) s.Append($"#SBATCH --gres=gpu:{options.GpusPerTrial}\n");
        if (options.MemoryPerTrial is { Length: > 0 } memory) s.Append($"#SBATCH --mem={memory}\n");
        foreach (var extra in options.ExtraOptions) s.Append($"#SBATCH {extra}\n");
        s.Append("# Written by Start-JomaSweep: one array task per trial; the array range is given to sbatch.\n");
        s.Append("set -u\n");
        s.Append($"trial=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {Quote(sweep.TrialListPath)})\n");
        s.Append("if [ -z \"$trial\" ]; then echo \"no trial on line $((SLURM_ARRAY_TASK_ID + 1)) of trials.txt\" >&2; exit 2; fi\n");
        s.Append("export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-${OMP_NUM_THREADS:-1}}\n");
        s.Append("exec ");
        s.Append(string.Join(" ", new[] { command.Executable }.Concat(command.Arguments("@TRIAL@")).Select(Quote)).Replace(Quote("@TRIAL@"), $"{Quote(sweep.TrialsPath)}/\"$trial\""));
        s.Append('\n');
        return s.ToString();
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
