using System.Numerics;

namespace JoMA.Engine.Theory;

/// <summary>Per-thread buffers over the vocabulary, reused from query to query (reset through touched lists, never cleared whole).</summary>
public sealed class DriveScratch(int vocabularySize)
{
    public readonly int[] Counts = new int[vocabularySize];
    public readonly int[] Stamp = new int[vocabularySize];
    public readonly double[] Distance = new double[vocabularySize];
    public readonly double[] SumSquares = new double[vocabularySize];
    public readonly List<int> Touched = new(), Seen = new();
    public int StampValue;
}

/// <summary>
/// One query's drives: D_l(m) for every token seen in its contexts, the listed tokens (M_C, by
/// <see cref="ContextSelection"/>), the pooled rest, and the bootstrap interval of each listed drive.
/// </summary>
public sealed class QueryDrives
{
    /// <summary>D_l(m) by token id, for every token seen in the query's contexts.</summary>
    public Dictionary<int, double> Drive { get; } = new();
    /// <summary>Listed context tokens, by drive descending.</summary>
    public int[] Listed { get; private set; } = Array.Empty<int>();
    public long RestCount { get; private set; }
    public double RestMeanCount { get; private set; }
    public double RestDrive { get; private set; }
    public double[]? Low { get; private set; }
    public double[]? High { get; private set; }

    // Per position, for the bootstrap: the listed tokens present (bit i = Listed[i]), the next-token outcome, the block.
    ulong[] masks = Array.Empty<ulong>();
    int[] outcomes = Array.Empty<int>();
    int outcomeCount;

    public static QueryDrives Compute(BatchifiedStream stream, QueryOccurrences occurrences, int q, CorpusStatisticsOptions options, DriveScratch s)
    {
        var result = new QueryDrives();
        var tokens = stream.Tokens;
        var positions = occurrences.Positions[q];
        long nm = occurrences.QueryCount[q];

        // Outcomes: the K_n most frequent next tokens, then "other" (index K).
        var top = occurrences.NextCounts[q].OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(options.NextTokens).ToList();
        var outcomeOf = new Dictionary<int, int>(top.Count);
        for (int i = 0; i < top.Count; i++) outcomeOf[top[i].Key] = i;
        int k = top.Count;
        result.outcomeCount = k + 1;
        var outcome = new int[positions.Count];
        var p = new double[k + 1];
        for (int i = 0; i < positions.Count; i++)
        {
            outcome[i] = outcomeOf.TryGetValue(tokens[positions[i].Position + 1], out var o) ? o : k;
            p[outcome[i]]++;
        }
        for (int n = 0; n <= k; n++) p[n] /= nm;
        double baseline = 0;
        for (int n = 0; n <= k; n++) baseline += DriveDistance.Term(options.Drive, 0, p[n]);

        // c_lmn for one outcome n at a time (positions grouped by outcome), added into each token's distance.
        var order = Enumerable.Range(0, positions.Count).OrderBy(i => outcome[i]).ToArray();
        s.Seen.Clear();
        for (int g = 0; g < order.Length;)
        {
            int n = outcome[order[g]];
            for (; g < order.Length && outcome[order[g]] == n; g++)
            {
                var (pos, start) = positions[order[g]];
                int stamp = ++s.StampValue;
                for (int j = start; j < pos; j++)
                {
                    int l = tokens[j];
                    if (s.Stamp[l] == stamp) continue;
                    s.Stamp[l] = stamp;
                    if (s.Counts[l]++ == 0) s.Touched.Add(l);
                }
            }
            foreach (var l in s.Touched)
            {
                double a = (double)s.Counts[l] / occurrences.Count(q, l);
                if (s.Distance[l] == 0 && s.SumSquares[l] == 0) s.Seen.Add(l);
                s.Distance[l] += DriveDistance.Term(options.Drive, a, p[n]) - DriveDistance.Term(options.Drive, 0, p[n]);
                s.SumSquares[l] += a * a;
                s.Counts[l] = 0;
            }
            s.Touched.Clear();
        }
        foreach (var l in s.Seen)
        {
            long nlm = occurrences.Count(q, l);
            result.Drive[l] = DriveDistance.Drive(options.Drive, (double)nlm / nm, baseline + s.Distance[l], s.SumSquares[l], nlm, options.BiasCorrection);
            s.Distance[l] = 0;
            s.SumSquares[l] = 0;
        }

        result.Select(stream, occurrences, q, options, s, outcome);
        return result;
    }

    /// <summary>Chooses the listed tokens and computes the pooled rest and the bootstrap inputs.</summary>
    void Select(BatchifiedStream stream, QueryOccurrences occurrences, int q, CorpusStatisticsOptions options, DriveScratch s, int[] outcome)
    {
        var eligible = Drive.Keys.Where(l => occurrences.Count(q, l) >= options.MinCount).ToList();
        var byDrive = eligible.OrderByDescending(l => Drive[l]).ThenBy(l => l).ToList();
        var byCount = eligible.OrderByDescending(l => occurrences.Count(q, l)).ThenBy(l => l).ToList();
        int m = Math.Min(options.Contexts, eligible.Count);
        var chosen = new List<int>(m);
        void Take(List<int> from, int upTo) { foreach (var l in from) { if (chosen.Count >= upTo) break; if (!chosen.Contains(l)) chosen.Add(l); } }
        switch (options.SelectBy)
        {
            case ContextSelection.Drive: Take(byDrive, m); break;
            case ContextSelection.CoOccurrence: Take(byCount, m); break;
            default: Take(byDrive, (m + 1) / 2); Take(byCount, m); Take(byDrive, m); break;
        }
        Listed = chosen.OrderByDescending(l => Drive[l]).ThenBy(l => l).ToArray();

        long nm = occurrences.QueryCount[q];
        double listedMean = Listed.Sum(l => (double)occurrences.ContextCount(q, l)) / nm;
        RestMeanCount = Math.Max(0, (double)occurrences.ContextLength[q] / nm - listedMean);
        double weight = 0, weighted = 0;
        var listedSet = new HashSet<int>(Listed);
        foreach (var (l, d) in Drive)
        {
            if (listedSet.Contains(l)) continue;
            double x = occurrences.ContextCount(q, l);
            weight += x;
            weighted += x * d;
        }
        RestDrive = weight > 0 ? weighted / weight : 0;

        // Per position: which listed tokens its context holds, and whether it holds any other token.
        var tokens = stream.Tokens;
        var positions = occurrences.Positions[q];
        var bit = new Dictionary<int, int>(Listed.Length);
        for (int i = 0; i < Listed.Length; i++) bit[Listed[i]] = i;
        masks = new ulong[positions.Count];
        outcomes = outcome;
        long rest = 0;
        for (int i = 0; i < positions.Count; i++)
        {
            var (pos, start) = positions[i];
            ulong mask = 0;
            bool other = false;
            for (int j = start; j < pos; j++)
            {
                if (bit.TryGetValue(tokens[j], out var b)) mask |= 1UL << b;
                else other = true;
            }
            masks[i] = mask;
            if (other) rest++;
        }
        RestCount = rest;
    }

    /// <summary>The listed drives' percentile intervals over Poisson block-bootstrap resamples of the stream.</summary>
    public void Bootstrap(BatchifiedStream stream, QueryOccurrences occurrences, int q, BlockBootstrap bootstrap, CorpusStatisticsOptions options)
    {
        var positions = occurrences.Positions[q];
        var blocks = positions.Select(x => bootstrap.BlockOf(x.WindowStart)).ToArray();
        int listed = Listed.Length, k1 = outcomeCount;
        var samples = new double[listed][];
        for (int i = 0; i < listed; i++) samples[i] = new double[bootstrap.Resamples];
        var nm = new double[k1];
        var nl = new double[listed];
        var nln = new double[listed * k1];
        var p = new double[k1];
        for (int r = 0; r < bootstrap.Resamples; r++)
        {
            var weights = bootstrap.Weights(r);
            Array.Clear(nm); Array.Clear(nl); Array.Clear(nln);
            double total = 0;
            for (int i = 0; i < positions.Count; i++)
            {
                double w = weights[blocks[i]];
                if (w == 0) continue;
                int n = outcomes[i];
                total += w;
                nm[n] += w;
                for (ulong mask = masks[i]; mask != 0; mask &= mask - 1)
                {
                    int b = BitOperations.TrailingZeroCount(mask);
                    nl[b] += w;
                    nln[b * k1 + n] += w;
                }
            }
            if (total == 0) { for (int b = 0; b < listed; b++) samples[b][r] = 0; continue; }
            for (int n = 0; n < k1; n++) p[n] = nm[n] / total;
            for (int b = 0; b < listed; b++)
            {
                if (nl[b] == 0) { samples[b][r] = 0; continue; }
                double distance = 0, squares = 0, inverse = 1 / nl[b];
                var row = nln.AsSpan(b * k1, k1);
                if (options.Drive == DriveKind.L2)
                    for (int n = 0; n < row.Length; n++)   // the hot loop: no per-term dispatch
                    {
                        double a = row[n] * inverse, d = a - p[n];
                        distance += d * d;
                        squares += a * a;
                    }
                else
                    for (int n = 0; n < row.Length; n++)
                    {
                        double a = row[n] * inverse;
                        distance += DriveDistance.Term(options.Drive, a, p[n]);
                        squares += a * a;
                    }
                samples[b][r] = DriveDistance.Drive(options.Drive, nl[b] / total, distance, squares, nl[b], options.BiasCorrection);
            }
        }
        Low = new double[listed];
        High = new double[listed];
        double tail = (1 - options.Confidence) / 2;
        for (int b = 0; b < listed; b++)
        {
            Array.Sort(samples[b]);
            Low[b] = Quantile(samples[b], tail);
            High[b] = Quantile(samples[b], 1 - tail);
        }
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
