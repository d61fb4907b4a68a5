using System.Runtime.CompilerServices;

namespace JoMA.Engine.Theory;

/// <summary>
/// The observed attention of one (Run, Layer, Head) over its checkpoint steps, indexed [step][query][token] by
/// the comparison's queries and tokens, with each query's attention entropy per step. Rows for tokens the
/// statistics do not list are dropped; queries the statistics do not list are kept by name for the skip report.
/// </summary>
internal sealed class ObservedAttentionGroup
{
    public string? Run { get; private init; }
    public int Layer { get; private init; }
    public int Head { get; private init; }
    /// <summary>Checkpoint steps, ascending.</summary>
    public required long[] Steps { get; init; }
    /// <summary>[step][query][token] → the observed row, or null where there is none.</summary>
    public required TokenAttention?[][][] Rows { get; init; }
    /// <summary>[step][query] → QueryEntropy, NaN when the query was not observed at that step.</summary>
    public required double[][] Entropy { get; init; }
    /// <summary>Whether each query has any row in the group.</summary>
    public required bool[] Observed { get; init; }
    public required SortedSet<string> UnknownQueries { get; init; }

    /// <summary>Groups ordered by Run (ordinal, null first), Layer, Head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<ObservedAttentionGroup> Build(IReadOnlyList<TokenAttention> observations, IReadOnlyList<ComparisonQuery> queries)
    {
        var queryIndex = new Dictionary<string, int>(queries.Count, StringComparer.Ordinal);
        for (int q = 0; q < queries.Count; q++) queryIndex[queries[q].Name] = q;

        var byKey = new Dictionary<(string? Run, int Layer, int Head), List<TokenAttention>>();
        foreach (var row in observations)
        {
            if (row is null) continue;
            var key = (row.Run, row.Layer, row.Head);
            if (!byKey.TryGetValue(key, out var rows)) byKey[key] = rows = [];
            rows.Add(row);
        }

        var groups = new List<ObservedAttentionGroup>(byKey.Count);
        foreach (var (key, rows) in byKey.OrderBy(g => g.Key.Run, StringComparer.Ordinal).ThenBy(g => g.Key.Layer).ThenBy(g => g.Key.Head))
        {
            long[] steps = rows.Select(r => r.Step).Distinct().Order().ToArray();
            var stepIndex = new Dictionary<long, int>(steps.Length);
            for (int s = 0; s < steps.Length; s++) stepIndex[steps[s]] = s;

            var table = new TokenAttention?[steps.Length][][];
            var entropy = new double[steps.Length][];
            for (int s = 0; s < steps.Length; s++)
            {
                table[s] = new TokenAttention?[queries.Count][];
                for (int q = 0; q < queries.Count; q++) table[s][q] = new TokenAttention?[queries[q].Tokens.Length];
                entropy[s] = new double[queries.Count];
                Array.Fill(entropy[s], double.NaN);
            }
            var observed = new bool[queries.Count];
            var unknown = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                if (!queryIndex.TryGetValue(row.Query, out int q)) { unknown.Add(row.Query); continue; }
                int s = stepIndex[row.Step];
                observed[q] = true;
                // QueryEntropy belongs to the query, so any of its rows (the pooled one too) carries it.
                if (double.IsNaN(entropy[s][q]) && double.IsFinite(row.QueryEntropy)) entropy[s][q] = row.QueryEntropy;
                if (CorpusStatisticsCounter.IsPooled(row.Token) || !queries[q].TokenIndex.TryGetValue(row.Token, out int t)) continue;
                var tokens = table[s][q];
                if (tokens[t] is not null)
                    throw new JomaException("TokenListedTwice", JomaErrorKind.InvalidData, $"The observations hold token '{row.Token}' of query '{row.Query}' twice at run '{key.Run}', step {row.Step}, layer {key.Layer}, head {key.Head}; pass one source at a time.");
                tokens[t] = row;
            }
            groups.Add(new ObservedAttentionGroup
            {
                Run = key.Run, Layer = key.Layer, Head = key.Head,
                Steps = steps, Rows = table, Entropy = entropy, Observed = observed, UnknownQueries = unknown,
            });
        }
        return groups;
    }
}
