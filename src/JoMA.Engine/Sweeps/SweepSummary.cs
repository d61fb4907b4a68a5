using JoMA.Engine.Metrics;

namespace JoMA.Engine.Sweeps;

/// <summary>Aggregates trial rows over some grid keys (seed by default): one row per combination of the other keys.</summary>
public static class SweepSummary
{
    public static IReadOnlyList<JomaSweepAggregate> Aggregate(IEnumerable<JomaSweepTrial> trials, IReadOnlyCollection<string> overKeys)
    {
        var over = overKeys.Select(k => SweepGrid.CanonicalKey(k)).ToHashSet();
        return trials
            .GroupBy(t => string.Join("\n", t.Values.Where(v => !over.Contains(v.Key)).Select(v => $"{v.Key}={SweepGrid.FormatValue(v.Value)}")))
            .Select(group =>
            {
                var first = group.First();
                var values = first.Values.Where(v => !over.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value);
                var done = group.Where(t => t.State == TrialState.Done && t.BestValidationLoss is not null).ToList();
                var losses = done.Select(t => t.BestValidationLoss!.Value).ToList();
                int layers = done.Count == 0 ? 0 : done.Min(t => t.LayerEntropy.Count);
                var entropy = Enumerable.Range(0, layers).Select(l => done.Select(t => t.LayerEntropy[l]).ToList()).ToList();
                return new JomaSweepAggregate
                {
                    Values = values,
                    Name = string.Join(" ", values.Select(v => $"{v.Key.Split('.')[^1]}={SweepGrid.FormatValue(v.Value)}")),
                    Trials = group.Count(), Done = done.Count,
                    BestValidationLossMean = losses.Count > 0 ? losses.Average() : null,
                    BestValidationLossStd = losses.Count > 0 ? StandardDeviation(losses) : null,
                    LayerEntropyMean = new(entropy.Select(e => e.Average())),
                    LayerEntropyStd = new(entropy.Select(StandardDeviation)),
                };
            }).ToList();
    }

    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
