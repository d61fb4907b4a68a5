namespace JoMA.Engine.Sweeps;

/// <summary>
/// How a trial process is started: the same PowerShell as the controlling one (its executable, plus
/// pwsh.dll when that is `dotnet`), running the module's trial script on one trial folder.
/// </summary>
public sealed record TrialCommand(string Executable, IReadOnlyList<string> PrefixArguments, string TrialScriptPath, string ModulePath)
{
    public IReadOnlyList<string> Arguments(string trialFolder) =>
        PrefixArguments.Concat(new[] { "-NoProfile", "-NonInteractive", "-File", TrialScriptPath, "-Trial", trialFolder, "-ModulePath", ModulePath }).ToList();
}
