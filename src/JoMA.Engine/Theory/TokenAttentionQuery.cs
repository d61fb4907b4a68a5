namespace JoMA.Engine.Theory;

/// <summary>
/// A query token and the context tokens whose attention share is measured for it; every other context token is pooled
/// into <see cref="Rest"/>, so a query's shares cover its whole context and sum to 1.
/// </summary>
public sealed record TokenAttentionQuery(string Query, IReadOnlyList<string> Tokens)
{
    /// <summary>The name of the pooled row (every context token not listed), as the corpus statistics name it.</summary>
    public const string Rest = "<rest>";

    /// <summary>
    /// The queries and tokens of Measure-JomaCorpusStatistics rows: one query per distinct Query (first-seen order), its
    /// listed tokens the rows that are not pooled, by Rank (ties in input order), each once.
    /// </summary>
    public static IReadOnlyList<TokenAttentionQuery> FromStatistics(IEnumerable<CorpusTokenStatistic> statistics) =>
        statistics.Select((s, index) => (s, index))
            .GroupBy(x => x.s.Query, StringComparer.Ordinal)
            .Select(g => new TokenAttentionQuery(g.Key, g.Where(x => !CorpusStatisticsCounter.IsPooled(x.s.Token))
                .OrderBy(x => x.s.Rank).ThenBy(x => x.index)
                .Select(x => x.s.Token).Distinct(StringComparer.Ordinal).ToList()))
            .ToList();

    /// <summary>
    /// The vocabulary size the statistics were counted with, checked to be one size; null when none recorded one
    /// (VocabularySize 0, e.g. hand-made rows).
    /// </summary>
    public static int? VocabularySizeOf(IEnumerable<CorpusTokenStatistic> statistics)
    {
        var sizes = statistics.Select(s => s.VocabularySize).Where(v => v > 0).Distinct().ToList();
        if (sizes.Count > 1)
            throw new JomaException("VocabularyMismatch", JomaErrorKind.InvalidData,
                $"The statistics come from vocabularies of different sizes ({string.Join(", ", sizes)}): measure them in one Measure-JomaCorpusStatistics call with the run's config.");
        return sizes.Count == 1 ? sizes[0] : null;
    }
}
