using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Hierarchy;

namespace JoMA.PowerShell;

/// <summary>Writes a latent tree as JSON (spec and layers), atomically; refuses to overwrite without -Force.</summary>
[Cmdlet(VerbsData.Export, "JomaLatentTree", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportJomaLatentTreeCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LatentTree? LatentTree { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter] public SwitchParameter Force { get; set; }
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var full = ResolveFilePath(Path!);
        if (File.Exists(full) && !Force)
        {
            WriteJomaError(new JomaException("FileExists", JomaErrorKind.InvalidOperation, $"'{full}' exists. Use -Force to overwrite it."), full);
            return;
        }
        if (!ShouldProcess(full, "Write latent tree")) return;
        try
        {
            LatentTreeFile.Save(LatentTree!, full);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, full);
            return;
        }
        if (PassThru) WriteObject(new FileInfo(full));
    }
}
