using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace JoMA.Engine.Theory;

/// <summary>A median over queries with its percentile bootstrap interval.</summary>
internal readonly record struct BootstrapSummary(double Median, double Low, double High, int Queries);

/// <summary>
/// Percentile bootstrap over queries. The resampled query sets are drawn once, as counts (how often each query was
/// drawn in resample b), and reused for every metric, predictor and step: a paired difference then sees the same
/// sets on both sides. A resample's median needs no copy of its values: walking the values sorted once, it is
/// where the running count of drawn queries passes half the resample. All resamples walk together, one query
/// column of counts at a time across a SIMD vector of resamples. Absent values (NaN: the metric could not be
/// computed for that query) are left out of each resample; a resample holding none of the present queries is dropped.
/// </summary>
internal sealed class QueryBootstrap
{
    readonly int queries, stride;
    readonly int[] counts;      // query q's counts over the resamples at [q·stride, q·stride + Resamples); padding lanes 0
    readonly double confidence;
    readonly double[] keys, medians;
    readonly int[] order, missing, running, lowPosition, highPosition, lowIndex, highIndex;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public QueryBootstrap(int queries, int resamples, double confidence, ulong seed)
    {
        this.queries = queries;
        this.confidence = confidence;
        Resamples = resamples;
        stride = (resamples + Vector<int>.Count - 1) / Vector<int>.Count * Vector<int>.Count;
        counts = new int[queries * stride];
        var random = new SplitMixStream(seed);
        for (int b = 0; b < resamples; b++)
            for (int i = 0; i < queries; i++) counts[random.NextInt(queries) * stride + b]++;
        keys = new double[queries];
        order = new int[queries];
        missing = new int[queries];
        medians = new double[resamples];
        running = new int[stride];
        lowPosition = new int[stride];
        highPosition = new int[stride];
        lowIndex = new int[stride];
        highIndex = new int[stride];
    }

    public int Resamples { get; }

    /// <summary>How often query <paramref name="q"/> was drawn in resample <paramref name="b"/>.</summary>
    public int Count(int b, int q) => counts[q * stride + b];

    /// <summary>The median of the present values (NaN = absent) and its interval; null when no value is present.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BootstrapSummary? Median(ReadOnlySpan<double> values)
    {
        int present = 0, absent = 0;
        for (int q = 0; q < queries; q++)
        {
            if (double.IsNaN(values[q])) missing[absent++] = q;
            else { keys[present] = values[q]; order[present++] = q; }
        }
        if (present == 0) return null;
        var sorted = keys.AsSpan(0, present);
        sorted.Sort(order.AsSpan(0, present));
        double median = (sorted[(present - 1) / 2] + sorted[present / 2]) / 2;

        // Resample b holds total_b present values; its median sits at 0-based positions lo_b and hi_b of their sorted
        // multiset. Lanes with no present value, and the padding lanes, get −1: they pass at once and are dropped below.
        var total = running.AsSpan();
        total.Fill(queries);
        for (int i = 0; i < absent; i++)
        {
            var column = counts.AsSpan(missing[i] * stride, stride);
            for (int b = 0; b < stride; b++) total[b] -= column[b];
        }
        for (int b = 0; b < stride; b++)
        {
            bool empty = b >= Resamples || total[b] == 0;
            lowPosition[b] = empty ? -1 : (total[b] - 1) / 2;
            highPosition[b] = empty ? -1 : total[b] / 2;
        }

        // Walk the sorted values: lowIndex_b counts the values whose running count is still ≤ lo_b, which makes it the
        // index of the value at position lo_b (likewise hi). Stop once every resample is past its hi.
        var seen = MemoryMarshal.Cast<int, Vector<int>>(running.AsSpan());
        var lo = MemoryMarshal.Cast<int, Vector<int>>(lowPosition.AsSpan());
        var hi = MemoryMarshal.Cast<int, Vector<int>>(highPosition.AsSpan());
        var loIndex = MemoryMarshal.Cast<int, Vector<int>>(lowIndex.AsSpan());
        var hiIndex = MemoryMarshal.Cast<int, Vector<int>>(highIndex.AsSpan());
        seen.Clear();
        loIndex.Clear();
        hiIndex.Clear();
        for (int k = 0; k < present; k++)
        {
            var column = MemoryMarshal.Cast<int, Vector<int>>(counts.AsSpan(order[k] * stride, stride));
            var pending = Vector<int>.Zero;
            for (int v = 0; v < seen.Length; v++)
            {
                var s = seen[v] += column[v];
                loIndex[v] -= Vector.LessThanOrEqual(s, lo[v]);    // the mask is −1 where true
                var below = Vector.LessThanOrEqual(s, hi[v]);
                hiIndex[v] -= below;
                pending |= below;
            }
            if (pending == Vector<int>.Zero) break;
        }

        int valid = 0;
        for (int b = 0; b < Resamples; b++)
            if (highPosition[b] >= 0) medians[valid++] = (sorted[lowIndex[b]] + sorted[highIndex[b]]) / 2;
        if (valid == 0) return new BootstrapSummary(median, median, median, present);
        var (intervalLow, intervalHigh) = PercentileInterval(medians.AsSpan(0, valid), confidence);
        return new BootstrapSummary(median, intervalLow, intervalHigh, present);
    }

    /// <summary>
    /// The (1 ∓ confidence)/2 quantiles of the sample, interpolated linearly between order statistics (numpy's
    /// default). Reorders the sample: the order statistics are found by selection, not by a full sort.
    /// </summary>
    public static (double Low, double High) PercentileInterval(Span<double> sample, double confidence) =>
        (Quantile(sample, (1 - confidence) / 2), Quantile(sample, (1 + confidence) / 2));

    static double Quantile(Span<double> sample, double p)
    {
        double h = (sample.Length - 1) * p;
        int below = (int)Math.Floor(h);
        double at = Select(sample, below);
        if (below >= sample.Length - 1) return at;
        // Select leaves everything after index `below` at least as large: the next order statistic is their minimum.
        double next = double.PositiveInfinity;
        foreach (double v in sample[(below + 1)..]) next = Math.Min(next, v);
        return at + (h - below) * (next - at);
    }

    /// <summary>Quickselect (Hoare partition, median-of-three pivot): the k-th smallest, with smaller values before index k and larger after.</summary>
    static double Select(Span<double> a, int k)
    {
        int left = 0, right = a.Length - 1;
        while (right > left)
        {
            int mid = left + (right - left) / 2;
            if (a[mid] < a[left]) (a[mid], a[left]) = (a[left], a[mid]);
            if (a[right] < a[left]) (a[right], a[left]) = (a[left], a[right]);
            if (a[right] < a[mid]) (a[right], a[mid]) = (a[mid], a[right]);
            double pivot = a[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            // Now a[left..j] ≤ pivot ≤ a[i..right], and a[j+1..i−1] equal the pivot.
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return a[k];
        }
        return a[k];
    }
}
