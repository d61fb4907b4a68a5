namespace JoMA.Engine.Theory;

/// <summary>
/// One row of Measure-JomaCorpusStatistics: what the training stream says about context token
/// <see cref="Token"/> for query <see cref="Query"/> (SCIENCE.md §7). The context of a position is the earlier
/// positions of its bptt window (self excluded), presence-coded. Token "&lt;rest&gt;" (<see cref="CorpusStatisticsCounter.IsPooled"/>)
/// pools every context token of the query that is not listed, so a query's rows cover its whole context.
/// </summary>
public sealed class CorpusTokenStatistic
{
    public string? Source { get; init; }
    public string Query { get; init; } = "";
    public int QueryId { get; init; }
    public string Token { get; init; } = "";
    /// <summary>Vocabulary id, or −1 for the pooled rest.</summary>
    public int TokenId { get; init; }
    /// <summary>1-based rank of this token among the query's listed context tokens (0 for the pooled rest, Token "&lt;rest&gt;").</summary>
    public int Rank { get; init; }
    /// <summary>N_m: positions whose token is the query (and that have a next token).</summary>
    public long QueryCount { get; init; }
    /// <summary>N_lm: query positions whose context holds the token.</summary>
    public long Count { get; init; }
    /// <summary>P(l|m) = N_lm / N_m.</summary>
    public double CoOccurrence { get; init; }
    /// <summary>x̄_l(m): the mean number of times the token occurs in the query's context (attention share at time 0 up to normalisation).</summary>
    public double MeanCount { get; init; }
    /// <summary>P(l): the token's frequency in the stream.</summary>
    public double Unigram { get; init; }
    /// <summary>log P(l|m) / P(l).</summary>
    public double Pmi { get; init; }
    /// <summary>The query-free drive P(l)·‖P(·|l) − P(·)‖ (a baseline).</summary>
    public double QueryFreeDrive { get; init; }
    /// <summary>D_l(m), the scalar drive of <see cref="DriveKind"/> (bias-corrected when asked).</summary>
    public double Drive { get; init; }
    public double DriveLow { get; init; }
    public double DriveHigh { get; init; }
    public string DriveKind { get; init; } = "L2";
    /// <summary>The width of the drive's interval (e.g. 0.95), 0 when no bootstrap was run.</summary>
    public double Confidence { get; init; }
    /// <summary>The context window the counts used (the trainer's bptt and batch size).</summary>
    public int Bptt { get; init; }
    public int BatchSize { get; init; }
    public int VocabularySize { get; init; }
}
