namespace JoMA.Engine.Theory;

/// <summary>
/// The query-free baseline P_ctx(l)·‖P(·|l ∈ context) − P(·)‖₂ over every position of the stream (not only a
/// query's): how much a token's presence in the context moves the next-token distribution when the query is
/// ignored. P_ctx(l) is the share of positions whose context holds l (the query-free analogue of P(l|m)); next
/// tokens are the stream's K_n most frequent plus one pooled "other". Computed for the listed tokens only.
/// </summary>
public static class QueryFreeDrive
{
    /// <returns>By token id: the drive for the given tokens, 0 for every other.</returns>
    public static double[] Compute(BatchifiedStream stream, IReadOnlyList<int> candidates, int nextTokens, int vocabularySize, CancellationToken cancellation)
    {
        var tokens = stream.Tokens;
        var nextCount = new long[vocabularySize];
        for (int c = 0; c < stream.BatchSize; c++)
            for (int r = 1; r < stream.Rows; r++) nextCount[tokens[c * stream.Rows + r]]++;
        var top = Enumerable.Range(0, vocabularySize).Where(n => nextCount[n] > 0).OrderByDescending(n => nextCount[n]).ThenBy(n => n).Take(nextTokens).ToArray();
        var outcomeOf = new int[vocabularySize];
        Array.Fill(outcomeOf, top.Length);
        for (int i = 0; i < top.Length; i++) outcomeOf[top[i]] = i;
        int k1 = top.Length + 1;
        var candidateOf = new int[vocabularySize];
        Array.Fill(candidateOf, -1);
        for (int i = 0; i < candidates.Count; i++) candidateOf[candidates[i]] = i;

        var present = new long[candidates.Count];
        var joint = new long[candidates.Count * k1];   // [candidate × outcome]
        var marginal = new double[k1];
        var seen = new bool[vocabularySize];
        var distinct = new List<int>(stream.Bptt);
        for (int c = 0; c < stream.BatchSize; c++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int w = 0; w < stream.WindowsPerColumn; w++)
            {
                var (start, length) = stream.Window(c, w);
                distinct.Clear();
                for (int k = 0; k < length; k++)
                {
                    int pos = start + k, n = outcomeOf[tokens[pos + 1]];
                    marginal[n]++;
                    foreach (var ci in distinct)
                    {
                        present[ci]++;
                        joint[ci * k1 + n]++;
                    }
                    int token = tokens[pos];
                    if (!seen[token]) { seen[token] = true; if (candidateOf[token] >= 0) distinct.Add(candidateOf[token]); }
                }
                // distinct holds candidate indices; clear the seen flags of this window's tokens
                for (int k = 0; k < length; k++) seen[tokens[start + k]] = false;
            }
        }
        double positions = stream.Positions;
        for (int n = 0; n < k1; n++) marginal[n] /= positions;
        var drive = new double[vocabularySize];
        for (int i = 0; i < candidates.Count; i++)
        {
            if (present[i] == 0) continue;
            double distance = 0;
            for (int n = 0; n < k1; n++)
            {
                double a = (double)joint[i * k1 + n] / present[i] - marginal[n];
                distance += a * a;
            }
            drive[candidates[i]] = present[i] / positions * Math.Sqrt(distance);
        }
        return drive;
    }
}
