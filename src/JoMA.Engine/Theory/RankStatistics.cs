using System.Runtime.CompilerServices;

namespace JoMA.Engine.Theory;

/// <summary>
/// Rank correlations that never return NaN: a coefficient that is undefined (fewer than 3 pairs, one side
/// constant, a NaN in the input) is null, so callers leave it out instead of carrying NaN into medians.
/// Ties get average ranks (Spearman) and the τ-b correction (Kendall), as scipy.stats does.
/// ±∞ are ordinary values here (equal infinities tie), which is how censored times are ranked last.
/// </summary>
public static class RankStatistics
{
    /// <summary>Below this many values the rank buffers live on the stack.</summary>
    const int StackLimit = 256;

    /// <summary>Spearman's ρ: Pearson's correlation of the average ranks. Null when n &lt; 3, either side is constant, or a value is NaN.</summary>
    public static double? Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Spearman needs pairs: {x.Length} x values, {y.Length} y values.");
        int n = x.Length;
        if (n < 3 || HasNaN(x) || HasNaN(y)) return null;
        Span<double> buffer = n > StackLimit ? new double[3 * n] : stackalloc double[3 * n];
        Span<double> rx = buffer[..n], ry = buffer.Slice(n, n), keys = buffer.Slice(2 * n, n);
        Span<int> items = n > StackLimit ? new int[n] : stackalloc int[n];
        AverageRanks(x, rx, keys, items);
        AverageRanks(y, ry, keys, items);
        return CorrelationOfRanks(rx, ry);
    }

    /// <summary>Pearson's correlation of two average-rank vectors (Spearman's ρ once the ranks are known); null when one is constant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double? CorrelationOfRanks(ReadOnlySpan<double> rx, ReadOnlySpan<double> ry)
    {
        // Both rank vectors have mean (n + 1)/2 whatever the ties.
        int n = rx.Length;
        double mean = (n + 1) / 2.0, sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = rx[i] - mean, dy = ry[i] - mean;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return null;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1.0, 1.0);
    }

    /// <summary>
    /// Kendall's τ-b = (C − D) / √((C + D + Tx)(C + D + Ty)), Tx / Ty the pairs tied in x only / y only
    /// (pairs tied in both count in neither). O(n²): meant for the tens of tokens of one query.
    /// Null when n &lt; 3, either side is constant, or a value is NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double? KendallTauB(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Kendall's tau needs pairs: {x.Length} x values, {y.Length} y values.");
        int n = x.Length;
        if (n < 3 || HasNaN(x) || HasNaN(y)) return null;
        long concordant = 0, discordant = 0, tiedX = 0, tiedY = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                int sx = x[i].CompareTo(x[j]), sy = y[i].CompareTo(y[j]);
                if (sx == 0 && sy == 0) continue;
                if (sx == 0) tiedX++;
                else if (sy == 0) tiedY++;
                else if (sx == sy) concordant++;
                else discordant++;
            }
        double untiedX = concordant + discordant + tiedY, untiedY = concordant + discordant + tiedX;
        if (untiedX == 0 || untiedY == 0) return null;
        return Math.Clamp((concordant - discordant) / Math.Sqrt(untiedX * untiedY), -1.0, 1.0);
    }

    /// <summary>1-based ranks with ties given the mean of the ranks they span. keys and items are scratch of length n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AverageRanks(ReadOnlySpan<double> values, Span<double> ranks, Span<double> keys, Span<int> items)
    {
        int n = values.Length;
        values.CopyTo(keys);
        for (int i = 0; i < n; i++) items[i] = i;
        keys[..n].Sort(items[..n]);
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            double rank = (start + 1 + end) / 2.0;   // mean of start+1 .. end
            for (int k = start; k < end; k++) ranks[items[k]] = rank;
            start = end;
        }
    }

    static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (double v in values) if (double.IsNaN(v)) return true;
        return false;
    }
}
