using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Joint;
using JoMA.Engine.Native;

namespace JoMA.PowerShell;

/// <summary>Trains the joint attention-logit + MLP toy (paper Figs. 2–3) and checks the JoMA invariant as it goes.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "JomaJointDynamics")]
[OutputType(typeof(JomaInvariantSample))]
public sealed class InvokeJomaJointDynamicsCommand : JomaCmdlet
{
    [Parameter]
    public JointVariant Variant { get; set; } = JointVariant.Gaussian;

    [Parameter]
    [ValidateRange(0, 100_000)]
    public int DistinctTokens { get; set; } = 10;

    [Parameter]
    [ValidateRange(0, 100_000)]
    public int CommonTokens { get; set; } = 10;

    [Parameter]
    [ValidateRange(2, 100_000)]
    public int Classes { get; set; } = 20;

    [Parameter]
    [ValidateRange(3, 1_000_000)]
    public int EmbeddingDimension { get; set; } = 30;

    [Parameter]
    public double Temperature { get; set; } = 0.5;

    [Parameter]
    public double LearningRate { get; set; } = 0.1;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Steps { get; set; } = 2000;

    [Parameter]
    public long Seed { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int SampleInterval { get; set; } = 1;

    [Parameter]
    public SwitchParameter IncludeState { get; set; }

    [Parameter]
    public DevicePreference Device { get; set; } = DevicePreference.Auto;

    protected override void EndProcessing()
    {
        EnsureTorch();
        var options = new JointDynamicsOptions
        {
            Variant = Variant, DistinctTokens = DistinctTokens, CommonTokens = CommonTokens, Classes = Classes,
            EmbeddingDimension = EmbeddingDimension, Temperature = Temperature, LearningRate = LearningRate, Steps = Steps,
            Seed = Seed, SampleInterval = SampleInterval, IncludeState = IncludeState.IsPresent, Device = Device,
        };
        var progress = new ProgressRecord(1, "Invoke-JomaJointDynamics", $"{Variant}, seed {Seed}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var throttle = new ProgressThrottle();
        try
        {
            RunStoppable(() => JointDynamicsSimulation.Run(options, sample =>
            {
                WriteObject(sample);
                if (!throttle.Due(last: sample.Step >= Steps)) return;
                progress.PercentComplete = (int)(100L * sample.Step / Steps);
                if (sample.Step > 0) progress.SecondsRemaining = (int)(clock.Elapsed.TotalSeconds / sample.Step * (Steps - sample.Step));
                progress.StatusDescription = $"step {sample.Step}/{Steps}, loss {sample.Loss:F4}, NC {sample.Correlation:F4}";
                WriteProgress(progress);
            }, PipelineStopToken, device => WriteVerbose($"Joint toy running on {device}.")));
        }
        catch (JomaException e)
        {
            ThrowTerminating(e);
        }
        finally
        {
            if (!Stopping) WriteProgress(new ProgressRecord(1, "Invoke-JomaJointDynamics", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
