namespace JoMA.Engine.Theory;

/// <summary>
/// One query's listed context tokens (the pooled rest apart) with their corpus statistics and the theory's
/// prediction for each, as arrays in the statistics' rank order: the order that breaks ties in the top-k overlap.
/// </summary>
internal sealed class ComparisonQuery
{
    public required string Name { get; init; }
    public required string[] Tokens { get; init; }
    public required Dictionary<string, int> TokenIndex { get; init; }
    public required double[] CoOccurrence { get; init; }
    public required double[] Unigram { get; init; }
    public required double[] Pmi { get; init; }
    public required double[] QueryFreeDrive { get; init; }
    /// <summary>Whether the theory predicted the token (a token without a prediction is left out of every predictor, so they score the same tokens).</summary>
    public required bool[] Predicted { get; init; }
    /// <summary>ζ_pred at the prediction's Time, or at its end with UseFinalPrediction.</summary>
    public required double[] Theory { get; init; }
    /// <summary>The predicted rise time, +∞ when the token never rises (censored: after every finite time, tied with the others).</summary>
    public required double[] RiseTime { get; init; }
    public required double[] InitialShare { get; init; }
    public double? EntropyMinimumTime { get; set; }
    public bool AnyPrediction { get; set; }

    /// <summary>The queries of the statistics in order of first appearance, joined with the predictions.</summary>
    public static List<ComparisonQuery> Build(IReadOnlyList<CorpusTokenStatistic> statistics, IReadOnlyList<AttentionPrediction> predictions, bool useFinalPrediction)
    {
        var rowsByQuery = new Dictionary<string, List<CorpusTokenStatistic>>(StringComparer.Ordinal);
        var queryOrder = new List<string>();
        foreach (var row in statistics)
        {
            if (row is null || CorpusStatisticsCounter.IsPooled(row.Token)) continue;
            if (!rowsByQuery.TryGetValue(row.Query, out var rows))
            {
                rowsByQuery[row.Query] = rows = [];
                queryOrder.Add(row.Query);
            }
            rows.Add(row);
        }

        var queries = new List<ComparisonQuery>(queryOrder.Count);
        var byName = new Dictionary<string, ComparisonQuery>(StringComparer.Ordinal);
        foreach (string name in queryOrder)
        {
            var rows = rowsByQuery[name].OrderBy(r => r.Rank).ToList();   // stable: equal ranks keep input order
            int n = rows.Count;
            var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
            for (int t = 0; t < n; t++)
                if (!index.TryAdd(rows[t].Token, t))
                    throw new JomaException("TokenListedTwice", JomaErrorKind.InvalidData, $"The corpus statistics list token '{rows[t].Token}' twice for query '{name}'; pass the statistics of one source at a time.");
            var query = new ComparisonQuery
            {
                Name = name,
                Tokens = rows.Select(r => r.Token).ToArray(),
                TokenIndex = index,
                CoOccurrence = rows.Select(r => r.CoOccurrence).ToArray(),
                Unigram = rows.Select(r => r.Unigram).ToArray(),
                Pmi = rows.Select(r => r.Pmi).ToArray(),
                QueryFreeDrive = rows.Select(r => r.QueryFreeDrive).ToArray(),
                Predicted = new bool[n],
                Theory = new double[n],
                RiseTime = new double[n],
                InitialShare = new double[n],
            };
            queries.Add(query);
            byName[name] = query;
        }

        foreach (var p in predictions)
        {
            if (p is null || CorpusStatisticsCounter.IsPooled(p.Token)) continue;
            if (!byName.TryGetValue(p.Query, out var query) || !query.TokenIndex.TryGetValue(p.Token, out int t)) continue;
            if (query.Predicted[t])
                throw new JomaException("TokenListedTwice", JomaErrorKind.InvalidData, $"The predictions hold token '{p.Token}' of query '{p.Query}' twice; pass one source and preset at a time.");
            query.Predicted[t] = true;
            query.AnyPrediction = true;
            query.Theory[t] = useFinalPrediction ? p.FinalExcessLogit : p.ExcessLogit;
            query.RiseTime[t] = p.RiseTime ?? double.PositiveInfinity;
            query.InitialShare[t] = p.InitialShare;
            query.EntropyMinimumTime ??= p.EntropyMinimumTime;
        }
        return queries;
    }
}
