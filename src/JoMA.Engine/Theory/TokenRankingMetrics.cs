using System.Runtime.CompilerServices;

namespace JoMA.Engine.Theory;

/// <summary>
/// The per-query metrics of one predictor against the observed excess logits of the same tokens, given in the
/// query's token order (which breaks ties). NaN marks a metric that cannot be computed for the query; the
/// comparison leaves those out and never emits them.
/// </summary>
internal static class TokenRankingMetrics
{
    const int StackLimit = 1024;

    /// <summary>|top-k by prediction ∩ top-k by observation| / k, ties to the earlier token; NaN when n ≤ k (both top sets would be every token).</summary>
    public static double TopOverlap(ReadOnlySpan<double> predicted, ReadOnlySpan<double> observed, int k)
    {
        int n = predicted.Length;
        if (n <= k) return double.NaN;
        Span<bool> inObserved = n > StackLimit ? new bool[n] : stackalloc bool[n];
        MarkTop(observed, k, inObserved);
        return TopOverlap(predicted, inObserved, k);
    }

    /// <summary><see cref="TopOverlap(ReadOnlySpan{double}, ReadOnlySpan{double}, int)"/> with the observed top k already marked (they serve every predictor of a query).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double TopOverlap(ReadOnlySpan<double> predicted, ReadOnlySpan<bool> inObserved, int k)
    {
        int n = predicted.Length;
        if (n <= k) return double.NaN;
        Span<bool> inPredicted = n > StackLimit ? new bool[n] : stackalloc bool[n];
        MarkTop(predicted, k, inPredicted);
        int shared = 0;
        for (int i = 0; i < n; i++) if (inPredicted[i] && inObserved[i]) shared++;
        return (double)shared / k;
    }

    /// <summary>
    /// The fraction of tokens where sign(prediction − centre) = sign(ζ_obs): does the predictor say which tokens gain
    /// attention and which lose it. Tokens with ζ_obs = 0 exactly say neither and are left out; a prediction exactly
    /// at the centre agrees with no token. NaN when no token is left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SignAgreement(ReadOnlySpan<double> predicted, ReadOnlySpan<double> observed, double centre)
    {
        int used = 0, agree = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            if (observed[i] == 0) continue;
            used++;
            if (Math.Sign(predicted[i] - centre) == Math.Sign(observed[i])) agree++;
        }
        return used == 0 ? double.NaN : (double)agree / used;
    }

    /// <summary>
    /// The level that splits a raw statistic (co-occurrence, unigram, …) into "gains" and "loses" attention: its mean
    /// weighted by the tokens' initial attention shares, the weights attention itself uses at t = 0.
    /// Equal weights when a share is negative or not finite, or they sum to 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Centre(ReadOnlySpan<double> values, ReadOnlySpan<double> weights)
    {
        double weighted = 0, total = 0;
        if (!weights.IsEmpty)
            for (int i = 0; i < values.Length; i++)
            {
                double w = weights[i];
                if (!(w >= 0) || !double.IsFinite(w)) { total = 0; break; }
                weighted += w * values[i];
                total += w;
            }
        if (total > 0) return weighted / total;
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Length;
    }

    /// <summary>Marks the k largest values in chosen (cleared first), ties to the lower index: k selection passes, cheap for the tens of tokens of a query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MarkTop(ReadOnlySpan<double> values, int k, Span<bool> chosen)
    {
        chosen.Clear();
        for (int r = 0; r < k; r++)
        {
            int best = -1;
            for (int i = 0; i < values.Length; i++)
                if (!chosen[i] && (best < 0 || values[i] > values[best])) best = i;
            chosen[best] = true;
        }
    }
}
