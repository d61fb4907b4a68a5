using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Checkpoints;
using JoMA.Engine.Metrics;

namespace JoMA.PowerShell;

/// <summary>
/// Stable rank ‖W‖_F²/‖W‖₂² per layer (SCIENCE.md §1): of a checkpoint's lower MLP weight (or -Matrix), or expanded
/// from any object carrying a StableRank double[] per layer (training snapshots), written as StableRankResult rows.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "JomaStableRank")]
[OutputType(typeof(StableRankResult))]
public sealed class MeasureJomaStableRankCommand : JomaCmdlet
{
    /// <summary>What training snapshots' per-layer stable ranks are of: the MLP's first linear layer.</summary>
    public const string TrainedMatrix = "linear1";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    public string? Matrix { get; set; }

    protected override void BeginProcessing() => EnsureTorch();

    protected override void ProcessRecord()
    {
        var input = InputObject!;
        try
        {
            if (input.BaseObject is JomaCheckpoint checkpoint) MeasureCheckpoint(checkpoint);
            else ExpandPrecomputed(input);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, input);
        }
    }

    void MeasureCheckpoint(JomaCheckpoint checkpoint)
    {
        bool wasLoaded = checkpoint.IsLoaded, warned = wasLoaded;
        try
        {
            foreach (var row in CheckpointStableRank.Measure(checkpoint, Matrix))
            {
                if (!warned)
                {
                    warned = true;
                    foreach (var warning in checkpoint.GetModel().Warnings) WriteWarning($"{checkpoint}: {warning}");
                }
                if (Stopping) return;
                WriteObject(row);
            }
        }
        finally
        {
            // Weights this call loaded are freed again: a pipeline over many revisions holds one model at a time.
            if (!wasLoaded) checkpoint.Unload();
        }
    }

    /// <summary>Objects with a StableRank double[] (one per layer) and optionally Run, Step, Source.</summary>
    void ExpandPrecomputed(PSObject input)
    {
        var values = input.Properties["StableRank"]?.Value;
        double[] ranks;
        try { ranks = values is null ? throw new PSInvalidCastException() : LanguagePrimitives.ConvertTo<double[]>(values); }
        catch (PSInvalidCastException)
        {
            throw new JomaException("StableRankInputUnsupported", JomaErrorKind.InvalidArgument,
                "The input is neither a JomaCheckpoint nor an object with a StableRank array (one value per layer). " +
                "Pipe Import-JomaCheckpoint or Start-JomaTraining output.");
        }
        if (Matrix is not null && Matrix != TrainedMatrix)
            throw JomaException.Argument("MatrixNotInSnapshot", $"Snapshots carry the stable rank of '{TrainedMatrix}' only; -Matrix '{Matrix}' applies to checkpoints.");
        for (int layer = 0; layer < ranks.Length; layer++)
            WriteObject(new StableRankResult
            {
                Source = Property<string>(input, "Source") ?? Property<string>(input, "CheckpointPath"),
                Run = Property<string>(input, "Run"),
                Step = Property<long?>(input, "Step"),
                Layer = layer,
                Matrix = TrainedMatrix,
                StableRank = ranks[layer],
                SpectralNorm = double.NaN,   // snapshots keep the ratio only
                FrobeniusNorm = double.NaN,
            });
    }

    static T? Property<T>(PSObject input, string name)
    {
        var value = input.Properties[name]?.Value;
        if (value is null) return default;
        try { return LanguagePrimitives.ConvertTo<T>(value); }
        catch (PSInvalidCastException) { return default; }
    }
}
