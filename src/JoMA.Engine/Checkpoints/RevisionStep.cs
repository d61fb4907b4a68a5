using System.Globalization;
using System.Text.RegularExpressions;

namespace JoMA.Engine.Checkpoints;

/// <summary>Pythia names its training checkpoints by branch "stepN"; anything else (main, a commit) has no step.</summary>
public static partial class RevisionStep
{
    [GeneratedRegex(@"^step(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex StepName();

    public static long? Parse(string? revision)
    {
        if (revision is null) return null;
        var match = StepName().Match(revision);
        return match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : null;
    }
}
