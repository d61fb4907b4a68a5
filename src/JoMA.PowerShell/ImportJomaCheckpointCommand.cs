using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Checkpoints;

namespace JoMA.PowerShell;

/// <summary>
/// Opens Hugging Face checkpoint folders (GPT-NeoX/Pythia, OPT), given as paths or as revisions in a hub cache,
/// and writes one JomaCheckpoint per folder. Lazy: reads config.json and the weight headers (and hashes the files);
/// the weights load when a later cmdlet needs them. Warns when revisions in one pipeline have identical weights.
/// </summary>
[Cmdlet(VerbsData.Import, "JomaCheckpoint", DefaultParameterSetName = PathSet)]
[OutputType(typeof(JomaCheckpoint))]
public sealed class ImportJomaCheckpointCommand : JomaCmdlet
{
    const string PathSet = "Path", LiteralPathSet = "LiteralPath", HubCacheSet = "HubCache";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = HubCacheSet)]
    public string HubCache { get; set; } = "";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = HubCacheSet)]
    public string Model { get; set; } = "";

    [Parameter(ParameterSetName = HubCacheSet)]
    public string[] Revision { get; set; } = ["main"];

    [Parameter]
    public WeightDType DType { get; set; } = WeightDType.Float32;

    readonly DuplicateWeightDetector duplicates = new();

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case HubCacheSet:
                var cache = ResolveFilePath(HubCache);
                foreach (var revision in Revision)
                    Import(revision, () => JomaCheckpoint.Open(ResolveRevision(cache, revision), DType));
                break;
            case LiteralPathSet:
                foreach (var path in LiteralPath)
                {
                    var folder = ResolveFilePath(path);
                    Import(path, () => JomaCheckpoint.Open(folder, DType));
                }
                break;
            default:
                foreach (var path in Path)
                    foreach (var folder in ResolveExisting(path))
                        Import(path, () => JomaCheckpoint.Open(folder, DType));
                break;
        }
    }

    HubCacheSnapshot ResolveRevision(string cache, string revision)
    {
        var snapshot = Engine.Checkpoints.HubCache.Resolve(cache, Model, revision);
        WriteVerbose($"{Model}@{revision} → commit {snapshot.Commit}: {snapshot.Folder}");
        return snapshot;
    }

    /// <summary>Provider paths a -Path pattern matches; a pattern that matches nothing is a CheckpointFolderNotFound error.</summary>
    IEnumerable<string> ResolveExisting(string path)
    {
        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                WriteJomaError(JomaException.Argument("CheckpointPathNotFileSystem", $"'{path}' is on the {provider.Name} provider; give a file-system folder."), path);
                return [];
            }
            return resolved;
        }
        catch (ItemNotFoundException)
        {
            WriteJomaError(new JomaException("CheckpointFolderNotFound", JomaErrorKind.ObjectNotFound,
                $"Checkpoint folder '{path}' does not exist. Give the folder that holds config.json and the weights."), path);
            return [];
        }
    }

    void Import(string target, Func<JomaCheckpoint> open)
    {
        JomaCheckpoint checkpoint;
        try { checkpoint = open(); }
        catch (JomaException e)
        {
            WriteJomaError(e, target);
            return;
        }
        WriteVerbose($"{checkpoint}: {checkpoint.Architecture}, {checkpoint.Layers} layers, {checkpoint.Heads} heads, {checkpoint.Parameters:N0} parameters, " +
                     $"weights stored as {checkpoint.StoredDType} in {string.Join(", ", checkpoint.Sha256.Keys)}.");
        var same = duplicates.Add(checkpoint);
        if (same.Count > 0)
            WriteWarning($"{checkpoint} ({checkpoint.Path}) has weight files byte-identical to {string.Join(", ", same.Select(c => $"{c} ({c.Path})"))} " +
                         $"(SHA-256 {checkpoint.Sha256.Values.First()[..12]}…). This is a known hub upload error: these revisions are not distinct training states.");
        WriteObject(checkpoint);
    }
}
