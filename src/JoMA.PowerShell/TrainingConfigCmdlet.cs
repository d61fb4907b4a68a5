using System.Management.Automation;
using JoMA.Engine.Config;
using JoMA.Engine.Models;
using JoMA.Engine.Native;

namespace JoMA.PowerShell;

/// <summary>Choices offered as parameters (the config stores them as text, for YAML).</summary>
public enum OptimizerName { Adam, AdamW, Sgd }
public enum ScheduleName { Constant, Cosine }

/// <summary>
/// The experiment parameters Start-JomaTraining and New-JomaConfig share. Each one given overrides the
/// config (file, object or defaults); paths are resolved against $PWD.
/// </summary>
public abstract class TrainingConfigCmdlet : JomaCmdlet
{
    [Parameter] public string? Run { get; set; }
    [Parameter] public long Seed { get; set; }
    [Parameter] public DevicePreference Device { get; set; }

    [Parameter] public string? Corpus { get; set; }
    [Parameter] public string? TrainPath { get; set; }
    [Parameter] public string? ValidationPath { get; set; }
    [Parameter] [ValidateRange(1, int.MaxValue)] public int MinFrequency { get; set; }
    [Parameter] [ValidateRange(2, int.MaxValue)] public int MaxVocabulary { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxBatchSize)] public int BatchSize { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxBatchSize)] public int EvalBatchSize { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxBptt)] public int Bptt { get; set; }

    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxLayers)] public int Layers { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxHeads)] public int Heads { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxModelDimension)] public int ModelDimension { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxFeedForwardDimension)] public int FeedForwardDimension { get; set; }
    [Parameter] [ValidateRange(0.0, TrainingConfigRules.MaxDropout)] public double Dropout { get; set; }
    [Parameter] public SwitchParameter PreLayerNorm { get; set; }
    [Parameter] public FeedForwardActivation Activation { get; set; }
    [Parameter] public SwitchParameter TiedDecoder { get; set; }

    [Parameter] public OptimizerName Optimizer { get; set; }
    [Parameter] [Alias("Lr")] public double LearningRate { get; set; }
    [Parameter] [ValidateRange(0.0, double.MaxValue)] public double WeightDecay { get; set; }
    [Parameter] [ValidateRange(0.0, 1.0)] public double Momentum { get; set; }
    [Parameter] [ValidateRange(0.0, double.MaxValue)] public double GradientClip { get; set; }
    [Parameter] public SwitchParameter ResetOptimizerEachEpoch { get; set; }
    [Parameter] public ScheduleName Schedule { get; set; }
    [Parameter] [ValidateRange(0, int.MaxValue)] public int WarmupSteps { get; set; }

    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxEpochs)] public int Epochs { get; set; }
    [Parameter] [Alias("Steps")] [ValidateRange(1, long.MaxValue)] public long MaxSteps { get; set; }
    [Parameter] [ValidateRange(1, int.MaxValue)] public int EvaluateEvery { get; set; }
    [Parameter] [ValidateRange(1, TrainingConfigRules.MaxProbeWindows)] public int ProbeWindows { get; set; }
    [Parameter] public string? OutputDirectory { get; set; }
    [Parameter] [ValidateRange(1, int.MaxValue)] public int KeepLast { get; set; }
    [Parameter] [ValidateRange(0, int.MaxValue)] public int KeepEvery { get; set; }

    bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    /// <summary>Copies every parameter the user gave onto <paramref name="config"/>.</summary>
    protected void ApplyOverrides(TrainingConfig config)
    {
        if (Bound(nameof(Run))) config.Run = Run;
        if (Bound(nameof(Seed))) config.Seed = Seed;
        if (Bound(nameof(Device))) config.Device = Device.ToString().ToLowerInvariant();
        var d = config.Data;
        if (Bound(nameof(Corpus))) { d.Corpus = ResolveFilePath(Corpus!); d.TrainPath = null; d.ValidationPath = null; }
        if (Bound(nameof(TrainPath))) { d.TrainPath = ResolveFilePath(TrainPath!); d.Corpus = null; }
        if (Bound(nameof(ValidationPath))) d.ValidationPath = ResolveFilePath(ValidationPath!);
        if (Bound(nameof(MinFrequency))) d.MinFrequency = MinFrequency;
        if (Bound(nameof(MaxVocabulary))) d.MaxVocabulary = MaxVocabulary;
        if (Bound(nameof(BatchSize))) d.BatchSize = BatchSize;
        if (Bound(nameof(EvalBatchSize))) d.EvalBatchSize = EvalBatchSize;
        if (Bound(nameof(Bptt))) d.Bptt = Bptt;
        var m = config.Model;
        if (Bound(nameof(Layers))) m.Layers = Layers;
        if (Bound(nameof(Heads))) m.Heads = Heads;
        if (Bound(nameof(ModelDimension))) m.ModelDimension = ModelDimension;
        if (Bound(nameof(FeedForwardDimension))) m.FeedForwardDimension = FeedForwardDimension;
        if (Bound(nameof(Dropout))) m.Dropout = Dropout;
        if (Bound(nameof(PreLayerNorm))) m.PreLayerNorm = PreLayerNorm.IsPresent;
        if (Bound(nameof(Activation))) m.Activation = Activation.ToString().ToLowerInvariant();
        if (Bound(nameof(TiedDecoder))) m.TiedDecoder = TiedDecoder.IsPresent;
        var o = config.Optimizer;
        if (Bound(nameof(Optimizer))) o.Name = Optimizer.ToString().ToLowerInvariant();
        if (Bound(nameof(LearningRate))) o.Lr = LearningRate;
        if (Bound(nameof(WeightDecay))) o.WeightDecay = WeightDecay;
        if (Bound(nameof(Momentum))) o.Momentum = Momentum;
        if (Bound(nameof(GradientClip))) o.Clip = GradientClip;
        if (Bound(nameof(ResetOptimizerEachEpoch))) o.ResetEachEpoch = ResetOptimizerEachEpoch.IsPresent;
        if (Bound(nameof(Schedule))) o.Schedule = Schedule.ToString().ToLowerInvariant();
        if (Bound(nameof(WarmupSteps))) o.WarmupSteps = WarmupSteps;
        var t = config.Training;
        if (Bound(nameof(Epochs))) t.Epochs = Epochs;
        if (Bound(nameof(MaxSteps))) t.MaxSteps = MaxSteps;
        if (Bound(nameof(EvaluateEvery))) t.EvaluateEvery = EvaluateEvery;
        if (Bound(nameof(ProbeWindows))) t.ProbeWindows = ProbeWindows;
        if (Bound(nameof(OutputDirectory))) t.OutputDirectory = ResolveFilePath(OutputDirectory!);
        if (Bound(nameof(KeepLast))) t.KeepLast = KeepLast;
        if (Bound(nameof(KeepEvery))) t.KeepEvery = KeepEvery;
    }

    protected TrainingConfig LoadConfigFile(string path)
    {
        var full = ResolveFilePath(path);
        WriteVerbose($"Reading config {full}.");
        return TrainingConfig.LoadAnchored(full);
    }
}
