using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Hierarchy;

namespace JoMA.PowerShell;

/// <summary>Reads a latent tree written by Export-JomaLatentTree (or a run folder's tree.json).</summary>
[Cmdlet(VerbsData.Import, "JomaLatentTree")]
[OutputType(typeof(LatentTree))]
public sealed class ImportJomaLatentTreeCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var full = ResolveFilePath(Path!);
        if (Directory.Exists(full)) full = System.IO.Path.Combine(full, "tree.json");
        try
        {
            WriteObject(LatentTreeFile.Load(full));
        }
        catch (JomaException e)
        {
            WriteJomaError(e, full);
        }
    }
}
