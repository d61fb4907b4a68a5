using JoMA.Engine.Text;

namespace JoMA.Engine.Theory;

/// <summary>What the counting pass found, and the queries it left out (with the reason) for the cmdlet to warn about.</summary>
public sealed record CorpusStatisticsResult(IReadOnlyList<CorpusTokenStatistic> Rows, IReadOnlyList<(string Query, string Reason)> Skipped);

/// <summary>
/// The counting pass of SCIENCE.md §7 over the training stream, by the trainer's windows: for each query m and
/// context token l, N_m, N_lm, P(l|m), the mean context count x̄_l(m), P(l), PMI, the scalar drive D_l(m) of
/// Δ_{l,n|m} = P(l|m)·(P(n|l,m) − P(n|m)) (next tokens: the query's K_n most frequent plus one pooled "other"),
/// its Poisson block-bootstrap interval, and the query-free drive. Written by hand: no library counts
/// windowed co-occurrence against next tokens, and the pass must stay within seconds on 1.65M tokens.
/// </summary>
public static class CorpusStatisticsCounter
{
    public const string PooledToken = "<rest>";

    /// <summary>Whether a row is the pooled rest. A token test rather than a bool property: rows must survive a CSV
    /// round trip, and PowerShell casts the text "False" to $true.</summary>
    public static bool IsPooled(string token) => token == PooledToken;

    public static CorpusStatisticsResult Count(int[] tokens, ITokenVocabulary vocabulary, CorpusStatisticsOptions options, string? source = null,
        CancellationToken cancellation = default)
    {
        options.Validate();
        var stream = new BatchifiedStream(tokens, options.BatchSize, options.Bptt);
        int v = vocabulary.Count;
        var unigram = new long[v];
        for (int c = 0; c < stream.BatchSize; c++)
            for (int r = 0; r < stream.Rows - 1; r++) unigram[tokens[c * stream.Rows + r]]++;

        var skipped = new List<(string, string)>();
        var queries = ChooseQueries(vocabulary, unigram, options, skipped);
        var occurrences = QueryOccurrences.Collect(stream, queries, v, cancellation);
        var kept = new List<int>();
        for (int q = 0; q < queries.Length; q++)
        {
            if (occurrences.QueryCount[q] >= options.MinCount) kept.Add(q);
            else skipped.Add((vocabulary.Tokens[queries[q]], $"it occurs at only {occurrences.QueryCount[q]} positions, below -MinCount {options.MinCount}"));
        }
        if (kept.Count == 0)
            throw new JomaException("NoQueryCounted", JomaErrorKind.InvalidData,
                $"No query has enough positions to count (-MinCount {options.MinCount}): {string.Join("; ", skipped.Select(s => $"'{s.Item1}': {s.Item2}"))}. Lower -MinCount or name more frequent queries.");

        // Drives of every context token of every kept query, then the listed tokens (M_C) per query.
        var perQuery = new QueryDrives[queries.Length];
        Parallel.ForEach(kept, new ParallelOptions { CancellationToken = cancellation }, () => new DriveScratch(v),
            (q, _, scratch) => { perQuery[q] = QueryDrives.Compute(stream, occurrences, q, options, scratch); return scratch; }, _ => { });

        var bootstrap = options.BootstrapResamples > 0 ? new BlockBootstrap(stream, options) : null;
        if (bootstrap is not null)
            Parallel.ForEach(kept, new ParallelOptions { CancellationToken = cancellation }, q => perQuery[q].Bootstrap(stream, occurrences, q, bootstrap, options));

        var listed = kept.SelectMany(q => perQuery[q].Listed).Distinct().ToArray();
        var queryFree = QueryFreeDrive.Compute(stream, listed, options.NextTokens, v, cancellation);

        double positions = stream.Positions;
        var rows = new List<CorpusTokenStatistic>();
        foreach (var q in kept)
        {
            var d = perQuery[q];
            int m = queries[q];
            long nm = occurrences.QueryCount[q];
            for (int i = 0; i < d.Listed.Length; i++)
            {
                int l = d.Listed[i];
                double co = (double)occurrences.Count(q, l) / nm;
                double p = unigram[l] / positions;
                rows.Add(new CorpusTokenStatistic
                {
                    Source = source, Query = vocabulary.Tokens[m], QueryId = m, Token = vocabulary.Tokens[l], TokenId = l, Rank = i + 1,
                    QueryCount = nm, Count = occurrences.Count(q, l), CoOccurrence = co, MeanCount = (double)occurrences.ContextCount(q, l) / nm,
                    Unigram = p, Pmi = p > 0 ? Math.Log(co / p) : 0, QueryFreeDrive = queryFree[l],
                    Drive = d.Drive[l], DriveLow = d.Low?[i] ?? d.Drive[l], DriveHigh = d.High?[i] ?? d.Drive[l], DriveKind = options.Drive.ToString(),
                    Confidence = bootstrap is null ? 0 : options.Confidence, Bptt = options.Bptt, BatchSize = options.BatchSize, VocabularySize = v,
                });
            }
            rows.Add(new CorpusTokenStatistic
            {
                Source = source, Query = vocabulary.Tokens[m], QueryId = m, Token = PooledToken, TokenId = -1, Rank = 0,
                QueryCount = nm, Count = d.RestCount, CoOccurrence = (double)d.RestCount / nm, MeanCount = d.RestMeanCount,
                Drive = d.RestDrive, DriveLow = d.RestDrive, DriveHigh = d.RestDrive, DriveKind = options.Drive.ToString(),
                Bptt = options.Bptt, BatchSize = options.BatchSize, VocabularySize = v,
            });
        }
        return new CorpusStatisticsResult(rows, skipped);
    }

    static int[] ChooseQueries(ITokenVocabulary vocabulary, long[] unigram, CorpusStatisticsOptions options, List<(string, string)> skipped)
    {
        if (options.Queries is { Count: > 0 } named)
        {
            var ids = new List<int>();
            foreach (var token in named.Distinct(StringComparer.Ordinal))
            {
                if (vocabulary.TryGetId(token, out int id)) ids.Add(id);
                else skipped.Add((token, vocabulary.UnknownId >= 0 ? "it is not in the vocabulary (it counts as <unk>)" : "it is not in the vocabulary"));
            }
            if (ids.Count == 0)
                throw new JomaException("QueryNotInVocabulary", JomaErrorKind.InvalidArgument,
                    $"None of the queries ({string.Join(", ", named)}) is in the vocabulary of {vocabulary.Count} tokens. " +
                    (vocabulary.UnknownId >= 0 ? "Name tokens of the training text, as basic_english writes them (lower case)."
                        : "Name tokens as the checkpoint's tokenizer writes them (a word inside a text usually with its leading space, e.g. ' the'; '#<id>' without a tokenizer)."));
            return ids.ToArray();
        }
        return Enumerable.Range(0, vocabulary.Count).Where(id => id != vocabulary.UnknownId && unigram[id] > 0)
            .OrderByDescending(id => unigram[id]).ThenBy(id => id).Take(options.QueryCount).ToArray();
    }
}
