using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>Builds the optimizer a config names (adam, adamw, sgd) and sets its learning rate per step.</summary>
public static class OptimizerFactory
{
    public static readonly string[] Names = { "adam", "adamw", "sgd" };

    public static OptimizerHelper Create(string name, IEnumerable<Parameter> parameters, double learningRate, double weightDecay, double momentum) =>
        name.ToLowerInvariant() switch
        {
            "adam" => new FusedAdam(parameters, learningRate, weightDecay),
            "adamw" => optim.AdamW(parameters, learningRate, weight_decay: weightDecay),
            "sgd" => optim.SGD(parameters, learningRate, momentum: momentum, weight_decay: weightDecay),
            _ => throw JomaException.Argument("UnknownOptimizer", $"Unknown optimizer '{name}'. Use one of: {string.Join(", ", Names)}."),
        };

    public static void SetLearningRate(OptimizerHelper optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }
}

/// <summary>Learning rate at a step: constant (the reference) or cosine to 0 over the run, each after an optional linear warm-up.</summary>
public sealed record LearningRateSchedule(string Kind, double BaseRate, int WarmupSteps, long TotalSteps)
{
    public static readonly string[] Kinds = { "constant", "cosine" };

    public double At(long step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps) return BaseRate * (step + 1) / WarmupSteps;
        return Kind.ToLowerInvariant() switch
        {
            "constant" => BaseRate,
            "cosine" => BaseRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps)))),
            _ => throw JomaException.Argument("UnknownSchedule", $"Unknown learning-rate schedule '{Kind}'. Use one of: {string.Join(", ", Kinds)}."),
        };
    }
}
