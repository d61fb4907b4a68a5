using System.Diagnostics;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// Talks to Slurm through its own commands (sbatch, squeue, scancel, sacct) on this machine; errors name the
/// command and say what Slurm answered.
/// </summary>
public sealed class SlurmClient
{
    public sealed record CommandResult(int ExitCode, string Output, string Error);

    /// <summary>Fails with a clear error when sbatch is missing or the controller does not answer.</summary>
    public void EnsureReachable()
    {
        foreach (var tool in new[] { "sbatch", "squeue", "scancel", "sinfo" })
            if (FindOnPath(tool) is null)
                throw new JomaException("SlurmNotFound", JomaErrorKind.ResourceUnavailable,
                    $"{tool} was not found on PATH, so Slurm cannot be used from here. Run on a Slurm login node (or install slurm-client), or leave out -Scheduler Slurm to run the trials locally.");
        // Listing the partitions is the smallest question only the controller can answer.
        var ping = Run("sinfo", "-h", "-o", "%P");
        if (ping.ExitCode != 0)
            throw new JomaException("SlurmControllerUnreachable", JomaErrorKind.ResourceUnavailable,
                $"The Slurm controller did not answer, so nothing was submitted with sbatch: {Summary(ping.Error)} Check that slurmctld is running and that SLURM_CONF / slurm.conf name it.");
    }

    /// <summary>Submits a job array over <paramref name="indices"/> and returns its job id.</summary>
    public string SubmitArray(string scriptPath, IReadOnlyList<int> indices, int throttle)
    {
        var array = string.Join(",", Ranges(indices)) + (throttle > 0 ? $"%{throttle}" : "");
        var result = Run("sbatch", "--parsable", $"--array={array}", scriptPath);
        if (result.ExitCode != 0)
            throw new JomaException("SlurmSubmitFailed", JomaErrorKind.InvalidOperation, $"sbatch refused the sweep's job array: {Summary(result.Error)} The script is {scriptPath}.");
        return result.Output.Trim().Split(';')[0];
    }

    /// <summary>States of the array tasks of <paramref name="jobIds"/> still known to squeue, by jobid_index; null when squeue failed.</summary>
    public IReadOnlyDictionary<string, string>? QueueStates(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0) return new Dictionary<string, string>();
        var result = Run("squeue", "-h", "-r", "-j", string.Join(",", jobIds), "-o", "%i %T");
        if (result.ExitCode != 0)
            // A job id the controller has forgotten is not an error here: its tasks have all ended.
            return result.Error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? new Dictionary<string, string>() : null;
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(' ', 2))
            .Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
    }

    /// <summary>The final Slurm state (e.g. TIMEOUT, CANCELLED, OUT_OF_MEMORY) of an array task from sacct, when accounting is on.</summary>
    public string? FinalState(string task)
    {
        if (FindOnPath("sacct") is null) return null;
        var result = Run("sacct", "-n", "-P", "-X", "-j", task, "-o", "State,ExitCode");
        if (result.ExitCode != 0) return null;
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
    }

    public void Cancel(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0) return;
        var result = Run(new[] { "scancel" }.Concat(jobIds).ToArray());
        if (result.ExitCode != 0)
            throw new JomaException("SlurmCancelFailed", JomaErrorKind.InvalidOperation, $"scancel {string.Join(" ", jobIds)} failed: {Summary(result.Error)}");
    }

    static IEnumerable<string> Ranges(IReadOnlyList<int> indices)
    {
        var sorted = indices.Distinct().OrderBy(i => i).ToList();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            yield return i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}";
            i = j + 1;
        }
    }

    static string Summary(string error) => error.Trim().Length == 0 ? "(no message)" : string.Join(" ", error.Trim().Split('\n').TakeLast(3).Select(l => l.Trim()));

    static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    static CommandResult Run(params string[] commandLine)
    {
        var start = new ProcessStartInfo(commandLine[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in commandLine.Skip(1)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new JomaException("SlurmControllerUnreachable", JomaErrorKind.ResourceUnavailable,
                $"{commandLine[0]} did not answer within 2 minutes. Check that the Slurm controller (slurmctld) is running and reachable from here.");
        }
        return new CommandResult(process.ExitCode, output, error.Result);
    }
}
