using System.Management.Automation;
using System.Management.Automation.Language;
using System.Collections;

namespace JoMA.PowerShell;

/// <summary>Tab completion for Export-JomaPlot -Metric: the numeric properties the module's objects carry.</summary>
public sealed class PlotMetricCompleter : IArgumentCompleter
{
    static readonly string[] Metrics =
    {
        "LayerEntropy", "StableRank", "TrainLoss", "ValidationLoss", "ValidationPerplexity", "LearningRate", "TokensPerSecond",
        "Entropy", "NormalizedEntropy", "EffectiveSupport", "TopMass", "MaxEntropy",
        "Correlation", "CorrelationSquaredTerm", "CorrelationMeanTerm", "Loss", "V", "Attention",
        "Accuracy", "TrainAccuracy", "EvaluationLoss", "SpectralNorm", "FrobeniusNorm",
    };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Metrics.Where(m => m.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(m => new CompletionResult(m, m, CompletionResultType.ParameterValue, m));
}

/// <summary>Tab completion for dotted config keys (optimizer.lr, model.layers, …) wherever a single key is named.</summary>
public sealed class ConfigKeyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        JoMA.Engine.Config.TrainingConfig.KeyPaths()
            .Where(k => k.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, k));
}
