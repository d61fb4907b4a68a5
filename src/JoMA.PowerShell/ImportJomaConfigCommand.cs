using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Training;

namespace JoMA.PowerShell;

/// <summary>Reads a training config (YAML) into an object; unknown keys and wrong types are errors naming key and line.</summary>
[Cmdlet(VerbsData.Import, "JomaConfig")]
[OutputType(typeof(TrainingConfig))]
public sealed class ImportJomaConfigCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        var full = ResolveFilePath(Path!);
        try
        {
            WriteObject(TrainingConfig.LoadAnchored(full));
        }
        catch (JomaException e)
        {
            WriteJomaError(e, full);
        }
    }
}
