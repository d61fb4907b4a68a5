using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Hierarchy;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Training;

namespace JoMA.PowerShell;

/// <summary>
/// The paper's Table 1 metric: per block, how well hidden nodes line up with the latents of the matching
/// tree layer, from a hierarchical training snapshot or checkpoint, on fresh samples.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "JomaLatentAlignment", DefaultParameterSetName = "Snapshot")]
[OutputType(typeof(LatentAlignment), typeof(LatentCorrelation))]
public sealed class MeasureJomaLatentAlignmentCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Snapshot")]
    public JomaHierarchySnapshot? Snapshot { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Checkpoint")]
    [ValidateNotNullOrEmpty]
    public string? CheckpointPath { get; set; }

    /// <summary>The tree the model was trained on (default: the snapshot's, or the run's tree.json).</summary>
    [Parameter] public LatentTree? LatentTree { get; set; }

    [Parameter] [ValidateRange(2, 10_000_000)] public int Samples { get; set; } = 1280;
    [Parameter] public int Seed { get; set; } = 2024;
    [Parameter] public CorrelationKind Correlation { get; set; } = CorrelationKind.Pearson;
    [Parameter] public SwitchParameter PerLatent { get; set; }
    [Parameter] public DevicePreference Device { get; set; } = DevicePreference.Cpu;

    protected override void BeginProcessing() => EnsureTorch();

    protected override void ProcessRecord()
    {
        try
        {
            var device = ComputeDevice.Resolve(Device);
            HierarchicalClassifier model;
            LatentTree tree;
            string run;
            long step;
            if (Snapshot is { } s)
            {
                if (s.Model is null)
                    throw new JomaException("SnapshotHasNoModel", JomaErrorKind.InvalidData, "This snapshot carries no model weights. Measure its checkpoint with -CheckpointPath instead.");
                tree = LatentTree ?? s.LatentTree ?? throw JomaException.Argument("LatentTreeMissing", "Give -LatentTree: the snapshot carries no tree.");
                model = s.Model.Build(device);
                (run, step) = (s.Run, s.Step);
            }
            else
            {
                var checkpoint = HierarchicalCheckpoint.Open(ResolveFilePath(CheckpointPath!));
                WriteVerbose($"Checkpoint {checkpoint.Folder} (step {checkpoint.Step}).");
                tree = LatentTree ?? checkpoint.Tree;
                model = checkpoint.LoadModel(device);
                (run, step) = (checkpoint.Run, checkpoint.Step);
            }
            LatentAlignment[] layers;
            using (model)
            {
                WriteVerbose($"Scoring {run} step {step} on {Samples} fresh samples (seed {Seed}, {Correlation}) on {device}.");
                LatentAlignment[] result = Array.Empty<LatentAlignment>();
                RunStoppable(() => result = LatentAlignmentMeasurement.Measure(model, tree, Samples, Seed, Correlation, run, step, PipelineStopToken));
                layers = result;
            }
            foreach (var layer in layers)
            {
                if (PerLatent) WriteObject(LatentAlignmentMeasurement.PerLatent(layer), enumerateCollection: true);
                else WriteObject(layer);
            }
        }
        catch (JomaException e)
        {
            WriteJomaError(e, (object?)Snapshot ?? CheckpointPath);
        }
    }
}
