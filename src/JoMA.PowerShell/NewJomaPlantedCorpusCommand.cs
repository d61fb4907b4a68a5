using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Theory;

namespace JoMA.PowerShell;

/// <summary>
/// Writes the planted corpus whose answer is known by construction (SCIENCE.md §7): 4 queries, 4 next tokens,
/// distinct tokens present with probability 0.9 / 0.6 / 0.3, query-common and global-common tokens with zero drive.
/// </summary>
[Cmdlet(VerbsCommon.New, "JomaPlantedCorpus", SupportsShouldProcess = true)]
[OutputType(typeof(PlantedCorpus))]
public sealed class NewJomaPlantedCorpusCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter] [ValidateRange(1, 10_000_000)] public int Sequences { get; set; } = 20_000;
    [Parameter] [ValidateRange(1, 10_000_000)] public int ValidationSequences { get; set; } = 2_000;
    [Parameter] public PlantedLayout Layout { get; set; } = PlantedLayout.Random;
    [Parameter] [ValidateRange(12, 100_000)] public int Bptt { get; set; } = 35;
    [Parameter] [ValidateRange(1, 1_000_000)] public int BatchSize { get; set; } = 20;
    [Parameter] [ValidateRange(1, 1_000_000)] public int EvalBatchSize { get; set; } = 10;
    [Parameter] public int Seed { get; set; } = 1;
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = ResolveFilePath(Path!);
        if (!ShouldProcess(folder, $"Write a planted corpus of {Sequences} training sequences")) return;
        if (File.Exists(System.IO.Path.Combine(folder, "wiki.train.tokens")) && !Force)
        {
            WriteJomaError(new JomaException("CorpusExists", JomaErrorKind.InvalidOperation,
                $"'{folder}' already holds a corpus (wiki.train.tokens). Use -Force to replace it, or another -Path."), folder);
            return;
        }
        try
        {
            WriteObject(PlantedCorpusWriter.Write(folder, Sequences, ValidationSequences, Bptt, Layout, Seed, BatchSize, EvalBatchSize));
        }
        catch (JomaException e) { WriteJomaError(e, folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteJomaError(new JomaException("CorpusWriteFailed", JomaErrorKind.InvalidOperation,
                $"Could not write the planted corpus to '{folder}': {e.Message} Choose a folder you can write to.", e), folder);
        }
    }
}
