using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Training;

namespace JoMA.PowerShell;

/// <summary>Writes a training config object as YAML (atomically; refuses to overwrite without -Force).</summary>
[Cmdlet(VerbsData.Export, "JomaConfig", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportJomaConfigCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public TrainingConfig? Config { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var full = ResolveFilePath(Path!);
        if (File.Exists(full) && !Force)
        {
            WriteJomaError(new JomaException("FileExists", JomaErrorKind.InvalidOperation, $"'{full}' exists. Use -Force to overwrite it."), full);
            return;
        }
        try
        {
            Trainer.Validate(Config!);
        }
        catch (JomaException e)
        {
            if (e.ErrorId != "CorpusMissing") // a config without a corpus is a fine template
            {
                WriteJomaError(e, Config);
                return;
            }
        }
        if (!ShouldProcess(full, "Write training config")) return;
        try
        {
            Config!.Save(full);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, full);
            return;
        }
        if (PassThru) WriteObject(new FileInfo(full));
    }
}
