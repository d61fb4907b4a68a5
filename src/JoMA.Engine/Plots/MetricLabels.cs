namespace JoMA.Engine.Plots;

/// <summary>Axis labels, with units, for the properties that charts draw.</summary>
static class MetricLabels
{
    static readonly Dictionary<string, string> known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["LayerEntropy"] = "attention entropy (nats)",
        ["Entropy"] = "attention entropy (nats)",
        ["MaxEntropy"] = "maximum entropy ln n (nats)",
        ["NormalizedEntropy"] = "normalised entropy H / ln n",
        ["EffectiveSupport"] = "effective support exp(H) (tokens)",
        ["TopMass"] = "top attention mass (probability)",
        ["StableRank"] = "stable rank ||W||²_F / ||W||²₂",
        ["SpectralNorm"] = "spectral norm ||W||₂",
        ["FrobeniusNorm"] = "Frobenius norm ||W||_F",
        ["ValidationLoss"] = "validation loss (nats/token)",
        ["TrainLoss"] = "training loss (nats/token)",
        ["ValidationPerplexity"] = "validation perplexity",
        ["LearningRate"] = "learning rate",
        ["Loss"] = "cross-entropy loss (nats)",
        ["Correlation"] = "normalised correlation NC",
        ["CorrelationSquaredTerm"] = "normalised correlation NC",
        ["CorrelationMeanTerm"] = "normalised correlation NC",
        ["V"] = "component v_i",
        ["Attention"] = "attention probability",
        ["TokensPerSecond"] = "throughput (tokens/s)",
    };

    /// <summary>Legend names where several metrics share one axis.</summary>
    static readonly Dictionary<string, string> legends = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Correlation"] = "NC(z, ẑ): the invariant",
        ["CorrelationSquaredTerm"] = "NC(z, ||V_m||²/2T)",
        ["CorrelationMeanTerm"] = "NC(z, −x̄_m ||W||²_F/2T)",
    };

    public static string Legend(string metric) => legends.TryGetValue(metric, out var name) ? name : metric;

    public static string Axis(string metric) => known.TryGetValue(metric, out var label) ? label : metric;

    /// <summary>A title-case name for a metric, from its axis label without the unit.</summary>
    public static string Name(string metric)
    {
        var label = Axis(metric);
        int unit = label.IndexOf(" (", StringComparison.Ordinal);
        var name = unit > 0 ? label[..unit] : label;
        return char.ToUpperInvariant(name[0]) + name[1..];
    }

    /// <summary>One y label for several metrics: theirs when they share it, else their names.</summary>
    public static string Axis(IReadOnlyList<string> metrics) =>
        metrics.Select(Axis).Distinct().Count() == 1 ? Axis(metrics[0]) : string.Join(", ", metrics);
}
