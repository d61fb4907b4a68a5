namespace JoMA.Engine.Theory;

/// <summary>
/// One pass over the stream by the trainer's windows: for each query, the positions where it occurs
/// (with their window's start), N_lm (positions whose context holds l) and the summed context count of l,
/// the total context length, and the next-token counts. Dense [queries × vocabulary] counters: a few
/// tens of MB for 200 queries over a Wikitext-2-sized vocabulary, and no hashing in the hot loop.
/// </summary>
public sealed class QueryOccurrences
{
    readonly int vocabularySize;
    readonly int[] presence, contextCount; // [queries × vocabulary]

    QueryOccurrences(int queries, int vocabularySize)
    {
        this.vocabularySize = vocabularySize;
        presence = new int[queries * vocabularySize];
        contextCount = new int[queries * vocabularySize];
        QueryCount = new long[queries];
        ContextLength = new long[queries];
        Positions = Enumerable.Range(0, queries).Select(_ => new List<(int Position, int WindowStart)>()).ToArray();
        NextCounts = Enumerable.Range(0, queries).Select(_ => new Dictionary<int, int>()).ToArray();
    }

    public long[] QueryCount { get; }
    /// <summary>Σ over the query's positions of the context length (so Σ_l x̄_l = ContextLength / QueryCount).</summary>
    public long[] ContextLength { get; }
    public List<(int Position, int WindowStart)>[] Positions { get; }
    public Dictionary<int, int>[] NextCounts { get; }

    public long Count(int query, int token) => presence[query * vocabularySize + token];
    public long ContextCount(int query, int token) => contextCount[query * vocabularySize + token];

    public static QueryOccurrences Collect(BatchifiedStream stream, int[] queries, int vocabularySize, CancellationToken cancellation)
    {
        var result = new QueryOccurrences(queries.Length, vocabularySize);
        var queryIndex = new int[vocabularySize];
        Array.Fill(queryIndex, -1);
        for (int q = 0; q < queries.Length; q++) queryIndex[queries[q]] = q;
        var tokens = stream.Tokens;
        var windowCount = new int[vocabularySize];
        var distinct = new List<int>(stream.Bptt);
        for (int c = 0; c < stream.BatchSize; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int w = 0; w < stream.WindowsPerColumn; w++)
            {
                var (start, length) = stream.Window(c, w);
                foreach (var l in distinct) windowCount[l] = 0;
                distinct.Clear();
                for (int k = 0; k < length; k++)
                {
                    int pos = start + k, token = tokens[pos];
                    int q = queryIndex[token];
                    if (q >= 0)
                    {
                        result.QueryCount[q]++;
                        result.ContextLength[q] += k;
                        result.Positions[q].Add((pos, start));
                        var next = result.NextCounts[q];
                        next[tokens[pos + 1]] = next.GetValueOrDefault(tokens[pos + 1]) + 1;
                        int row = q * vocabularySize;
                        foreach (var l in distinct)
                        {
                            result.presence[row + l]++;
                            result.contextCount[row + l] += windowCount[l];
                        }
                    }
                    if (windowCount[token]++ == 0) distinct.Add(token);
                }
            }
        }
        return result;
    }
}
