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

/// <summary>
/// Tab completion for hashtables of config keys (New-JomaConfig -Set, Start-JomaSweep -Grid): `-Set <Tab>` offers
/// `@{ 'optimizer.lr' = ` for every key; inside the hashtable (`@{ 'opt<Tab>`, where PowerShell asks the parameter's
/// completer) the quoted keys themselves.
/// </summary>
public sealed class ConfigHashtableCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim();
        bool opening = word.Length == 0 || word.StartsWith("@{", StringComparison.Ordinal);
        var prefix = (opening ? word.TrimStart('@', '{') : word).Trim().Trim('\'', '"');
        foreach (var key in JoMA.Engine.Config.TrainingConfig.KeyPaths().Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            var text = opening ? $"@{{ '{key}' = " : $"'{key}'";
            yield return new CompletionResult(text, key, CompletionResultType.ParameterValue, key);
        }
    }
}
