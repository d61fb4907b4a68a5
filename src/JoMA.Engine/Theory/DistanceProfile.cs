namespace JoMA.Engine.Theory;

/// <summary>
/// The distance profile π(d) of one attention head (or of the head average) over a probe: the mean, over every row i
/// that has distance d available (i ≥ d, whatever the row's token), of i · p_{i,i−d} / (1 − p_ii): the context-renormalised
/// attention at distance d relative to what uniform attention over the row's i context positions gives it. The factor i puts
/// rows of different lengths on one scale, so uniform attention has π ≡ 1 and only the shape of π carries recency (and the
/// sink, at d = i) — what Measure-JomaTokenAttention divides out (position-adjusted share) and predicts with (recency share).
/// </summary>
public sealed class DistanceProfile
{
    readonly double[] sums;
    readonly long[] counts;

    /// <param name="maxDistance">The longest distance a row can have (bptt − 1).</param>
    public DistanceProfile(int maxDistance)
    {
        sums = new double[maxDistance + 1];
        counts = new long[maxDistance + 1];
    }

    /// <summary>Adds row i = <paramref name="context"/>.Length: its context-renormalised attention q_j, j &lt; i.</summary>
    public void Add(ReadOnlySpan<double> context)
    {
        int i = context.Length;
        for (int d = 1; d <= i; d++)
        {
            sums[d] += i * context[i - d];
            counts[d]++;
        }
    }

    /// <summary>π(d) at index d (index 0 unused); 0 at distances no row reached.</summary>
    public double[] Values()
    {
        var values = new double[sums.Length];
        for (int d = 1; d < values.Length; d++) values[d] = counts[d] > 0 ? sums[d] / counts[d] : 0;
        return values;
    }
}
