using JoMA.Engine.Text;

namespace JoMA.Engine.Theory;

/// <summary>
/// The queries resolved against a run's vocabulary for the row pass: which query (if any) a token id is, and for each
/// query which slot a context token falls in (its listed tokens 0…K−1, the pooled rest K). Slots of all queries lie in one
/// flat array, query m's from <see cref="Offset"/>[m].
/// </summary>
internal sealed class TokenAttentionQueryTable
{
    readonly int[] queryOf;                          // token id → query index, −1 for tokens that are no query
    readonly Dictionary<int, int>[] slotOf;          // per query: listed token id → slot

    public TokenAttentionQueryTable(IReadOnlyList<TokenAttentionQuery> queries, ITokenVocabulary vocabulary, int? statisticsVocabularySize,
        string owner = "the run's vocab.txt")
    {
        if (statisticsVocabularySize is { } size && size != vocabulary.Count)
            throw Mismatch($"The statistics were counted with a vocabulary of {size} tokens, but {owner} has {vocabulary.Count}", owner);
        queryOf = new int[vocabulary.Count];
        Array.Fill(queryOf, -1);
        Queries = queries;
        slotOf = new Dictionary<int, int>[queries.Count];
        Offset = new int[queries.Count + 1];
        for (int m = 0; m < queries.Count; m++)
        {
            var query = queries[m];
            int queryId = Id(query.Query, vocabulary, owner);
            if (queryOf[queryId] >= 0) throw JomaException.Argument("QueryRepeated", $"Query '{query.Query}' is given twice; give each query once.");
            queryOf[queryId] = m;
            slotOf[m] = new Dictionary<int, int>();
            foreach (var token in query.Tokens)
                slotOf[m].TryAdd(Id(token, vocabulary, owner), slotOf[m].Count);
            Offset[m + 1] = Offset[m] + slotOf[m].Count + 1;     // + the pooled rest
        }
    }

    public IReadOnlyList<TokenAttentionQuery> Queries { get; }
    public int[] Offset { get; }
    public int TotalSlots => Offset[^1];

    /// <summary>The query a token id is, or −1.</summary>
    public int QueryOf(int tokenId) => queryOf[tokenId];

    /// <summary>The slot of context token <paramref name="tokenId"/> for query <paramref name="query"/>, relative to its offset.</summary>
    public int SlotOf(int query, int tokenId) => slotOf[query].TryGetValue(tokenId, out var slot) ? slot : slotOf[query].Count;

    /// <summary>Query m's listed tokens (strings, slot order), without the rest.</summary>
    public IReadOnlyList<string> Listed(int query) => Queries[query].Tokens.Distinct(StringComparer.Ordinal).ToList();

    static int Id(string token, ITokenVocabulary vocabulary, string owner) =>
        vocabulary.TryGetId(token, out var id) ? id
            : throw Mismatch($"Token '{token}' is not in {owner} ({vocabulary.Count} tokens)", owner);

    static JomaException Mismatch(string what, string owner) =>
        new("VocabularyMismatch", JomaErrorKind.InvalidData, what + (owner.Contains("checkpoint")
            ? ": the statistics must be counted with the checkpoint's own tokenizer (Measure-JomaCorpusStatistics -Checkpoint), so that queries and tokens mean the same ids."
            : ": the statistics must be measured with the run's config (its config.yaml and vocab.txt), so that queries and tokens mean the same ids."));
}
