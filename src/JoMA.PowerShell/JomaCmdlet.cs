using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Native;

namespace JoMA.PowerShell;

/// <summary>
/// What every JoMA cmdlet shares: turning engine errors into ErrorRecords, resolving user paths through
/// the PowerShell provider, and loading libtorch (saying where from with -Verbose).
/// </summary>
public abstract class JomaCmdlet : PSCmdlet
{
    /// <summary>Loads libtorch before the first torch call and reports where it came from.</summary>
    protected void EnsureTorch()
    {
        try
        {
            NativeLibraries.EnsureLoaded();
        }
        catch (JomaException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, null));
        }
        var loaded = NativeLibraries.Loaded;
        WriteVerbose(loaded.Count == 0
            ? "libtorch: natives left to TorchSharp's own loader (none found beside the module)."
            : $"libtorch loaded from {NativeLibraries.TorchDirectory}: {string.Join(", ", loaded.Select(Path.GetFileName))}");
    }

    public static ErrorRecord ToErrorRecord(JomaException e, object? target) =>
        new(e, e.ErrorId, e.Kind switch
        {
            JomaErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            JomaErrorKind.InvalidData => ErrorCategory.InvalidData,
            JomaErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            JomaErrorKind.NotImplemented => ErrorCategory.NotImplemented,
            JomaErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            JomaErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            JomaErrorKind.WriteError => ErrorCategory.WriteError,
            _ => ErrorCategory.InvalidOperation,
        }, target);

    protected void ThrowTerminating(JomaException e, object? target = null) => ThrowTerminatingError(ToErrorRecord(e, target));

    protected void WriteJomaError(JomaException e, object? target = null) => WriteError(ToErrorRecord(e, target));

    /// <summary>A user path resolved against the provider's current location ($PWD), not the process's.</summary>
    protected string ResolveFilePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// Throttles a progress writer to a few updates a second (a rendered progress bar costs milliseconds per
    /// update); <see cref="Due"/> is true for the first call, for <paramref name="last"/>, and then every 250 ms.
    /// </summary>
    protected sealed class ProgressThrottle
    {
        public const int IntervalMs = 250;
        readonly System.Diagnostics.Stopwatch since = new();

        public bool Due(bool last = false)
        {
            if (since.IsRunning && since.ElapsedMilliseconds < IntervalMs && !last) return false;
            since.Restart();
            return true;
        }
    }

    /// <summary>Seconds left from the whole run's average pace (stable, unlike a per-step rate); -1 before any progress.</summary>
    protected static int SecondsRemaining(TimeSpan elapsed, double done, double total) =>
        done > 0 && total >= done ? (int)Math.Min(int.MaxValue, elapsed.TotalSeconds / done * (total - done)) : -1;

    /// <summary>Runs engine work, turning cancellation (Ctrl-C, Stop()) into a pipeline stop.</summary>
    protected void RunStoppable(Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException) when (Stopping || PipelineStopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}
