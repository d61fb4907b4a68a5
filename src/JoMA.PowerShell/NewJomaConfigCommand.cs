using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Training;

namespace JoMA.PowerShell;

/// <summary>Creates a training config object: the authors' reference settings, changed by the parameters given.</summary>
[Cmdlet(VerbsCommon.New, "JomaConfig")]
[OutputType(typeof(TrainingConfig))]
public sealed class NewJomaConfigCommand : TrainingConfigCmdlet
{
    /// <summary>Other keys by dotted path, e.g. @{ 'optimizer.lr' = 1e-3; 'model.layers' = 5 }.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ConfigHashtableCompleter))]
    public System.Collections.Hashtable? Set { get; set; }

    protected override void EndProcessing()
    {
        var config = new TrainingConfig();
        try
        {
            foreach (System.Collections.DictionaryEntry entry in Set ?? new System.Collections.Hashtable())
                config.Set(entry.Key.ToString()!, entry.Value is PSObject p ? p.BaseObject : entry.Value);
            ApplyOverrides(config);
            config.Validate();
        }
        catch (JomaException e)
        {
            ThrowTerminating(e);
        }
        WriteObject(config);
    }
}
