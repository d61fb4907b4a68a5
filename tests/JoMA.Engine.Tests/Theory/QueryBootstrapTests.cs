using JoMA.Engine.Theory;

namespace JoMA.Engine.Tests.Theory;

public class QueryBootstrapTests
{
    /// <summary>The median of resample b computed the plain way: expand the drawn values, sort, take the middle.</summary>
    static double NaiveMedian(QueryBootstrap bootstrap, int b, double[] values)
    {
        var drawn = new List<double>();
        for (int q = 0; q < values.Length; q++)
            if (!double.IsNaN(values[q])) for (int c = 0; c < bootstrap.Count(b, q); c++) drawn.Add(values[q]);
        drawn.Sort();
        return drawn.Count == 0 ? double.NaN : (drawn[(drawn.Count - 1) / 2] + drawn[drawn.Count / 2]) / 2;
    }

    [Theory]
    [InlineData(37, 400, 0.2)]    // ties (values rounded to tenths) and some absent queries
    [InlineData(37, 397, 0.2)]    // resamples not a whole number of SIMD vectors: padding lanes
    [InlineData(30, 300, 0.93)]   // two present queries in thirty: many resamples draw neither and are dropped
    [InlineData(6, 1, 0.0)]
    public void WeightedWalkMatchesExpandedResamples(int queries, int resamples, double absentFraction)
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, queries).Select(_ => random.NextDouble() < absentFraction ? double.NaN : Math.Round(random.NextDouble(), 1)).ToArray();
        if (absentFraction > 0.9) values = values.Select((v, q) => q is 3 or 17 ? 0.1 * q : double.NaN).ToArray();
        var bootstrap = new QueryBootstrap(queries, resamples, 0.9, 99);
        var summary = bootstrap.Median(values)!.Value;

        var medians = Enumerable.Range(0, resamples).Select(b => NaiveMedian(bootstrap, b, values)).Where(m => !double.IsNaN(m)).ToArray();
        var (low, high) = QueryBootstrap.PercentileInterval(medians, 0.9);
        Assert.Equal(low, summary.Low, 12);
        Assert.Equal(high, summary.High, 12);
        var present = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        Assert.Equal(present.Length, summary.Queries);
        Assert.Equal((present[(present.Length - 1) / 2] + present[present.Length / 2]) / 2, summary.Median, 12);
        if (resamples > 1) Assert.True(summary.Low < summary.High);
        for (int b = 0; b < resamples; b++) Assert.Equal(queries, Enumerable.Range(0, queries).Sum(q => bootstrap.Count(b, q)));
    }

    [Fact]
    public void PercentilesInterpolateLikeNumpy()
    {
        // numpy.percentile(range(11), [2.5, 97.5]) = [0.25, 9.75]
        var (low, high) = QueryBootstrap.PercentileInterval(Enumerable.Range(0, 11).Select(i => (double)(10 - i)).ToArray(), 0.95);
        Assert.Equal(0.25, low, 12);
        Assert.Equal(9.75, high, 12);
    }

    [Fact]
    public void SelectedPercentilesMatchSortedOnes()
    {
        var random = new Random(3);
        foreach (int n in new[] { 1, 2, 3, 10, 41, 1000 })
            foreach (double confidence in new[] { 0.5, 0.9, 0.95, 0.99 })
            {
                // Rounded values: many ties, the case a partition scheme gets wrong first.
                var sample = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 20) / 4).ToArray();
                var sorted = sample.Order().ToArray();
                double Reference(double p)
                {
                    double h = (n - 1) * p;
                    int below = (int)Math.Floor(h);
                    return below >= n - 1 ? sorted[^1] : sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]);
                }
                var (low, high) = QueryBootstrap.PercentileInterval(sample, confidence);
                Assert.Equal(Reference((1 - confidence) / 2), low, 12);
                Assert.Equal(Reference((1 + confidence) / 2), high, 12);
                Assert.Equal(sorted, sample.Order().ToArray());   // reordered, not altered
            }
    }

    [Fact]
    public void NothingPresentGivesNoSummary() =>
        Assert.Null(new QueryBootstrap(3, 10, 0.95, 1).Median([double.NaN, double.NaN, double.NaN]));
}
