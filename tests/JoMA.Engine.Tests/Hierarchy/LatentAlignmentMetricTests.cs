using JoMA.Engine.Hierarchy;
using JoMA.Engine.Native;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Hierarchy;

/// <summary>The Table 1 metric on synthetic hidden activity with known answers.</summary>
public class LatentAlignmentMetricTests
{
    public LatentAlignmentMetricTests() => NativeLibraries.EnsureLoaded();

    static Tensor RandomLatents(int n, int k, Generator g) => (rand(new long[] { n, k }, generator: g) < 0.3).to_type(ScalarType.Float32);

    [Fact]
    public void A_planted_perfect_node_scores_one_and_is_found()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(1);
        var active = RandomLatents(2000, 4, g);                          // [N, 4]
        var hidden = randn(new long[] { 2000, 16 }, generator: g).relu();  // [N, 16]
        var planted = new[] { 3, 9, 0, 14 };
        for (int k = 0; k < 4; k++) hidden[.., planted[k]] = active[.., k] * 2.5 + 0.3;   // an affine copy: Pearson 1
        var (best, node) = LatentAlignmentMetric.BestPerLatent(hidden, active, CorrelationKind.Pearson);
        Assert.All(best, b => Assert.Equal(1.0, b, 6));
        Assert.Equal(planted, node);
        Assert.Equal(1.0, LatentAlignmentMetric.Score(best), 6);
    }

    [Fact]
    public void Noise_scores_near_zero()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(2);
        var active = RandomLatents(20000, 5, g);
        var hidden = randn(new long[] { 20000, 10 }, generator: g).relu();
        var (best, _) = LatentAlignmentMetric.BestPerLatent(hidden, active, CorrelationKind.Pearson);
        Assert.All(best, b => Assert.InRange(b, -0.05, 0.05));
        Assert.InRange(LatentAlignmentMetric.Score(best), 0, 0.05);
    }

    [Fact]
    public void Matches_a_naive_double_loop_and_cosine_skips_centring()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var active = RandomLatents(50, 3, g);
        var hidden = rand(new long[] { 50, 6 }, generator: g);
        var a = active.to_type(ScalarType.Float64).data<double>().ToArray();
        var h = hidden.to_type(ScalarType.Float64).data<double>().ToArray();
        foreach (var kind in new[] { CorrelationKind.Pearson, CorrelationKind.Cosine })
        {
            var (best, node) = LatentAlignmentMetric.BestPerLatent(hidden, active, kind);
            for (int k = 0; k < 3; k++)
            {
                var column = Enumerable.Range(0, 50).Select(i => a[i * 3 + k]).ToArray();
                var scores = Enumerable.Range(0, 6).Select(j => Naive(column, Enumerable.Range(0, 50).Select(i => h[i * 6 + j]).ToArray(), kind == CorrelationKind.Pearson)).ToArray();
                Assert.Equal(scores.Max(), best[k], 10);
                Assert.Equal(Array.IndexOf(scores, scores.Max()), node[k]);
            }
        }
    }

    static double Naive(double[] x, double[] y, bool centre)
    {
        double mx = centre ? x.Average() : 0, my = centre ? y.Average() : 0, dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.Length; i++) { dot += (x[i] - mx) * (y[i] - my); nx += (x[i] - mx) * (x[i] - mx); ny += (y[i] - my) * (y[i] - my); }
        return dot / (Math.Sqrt(nx) * Math.Sqrt(ny) + 1e-8);
    }

    [Fact]
    public void The_score_averages_only_maxima_above_one_hundredth()
    {
        Assert.Equal(0.7, LatentAlignmentMetric.Score(new[] { 0.9, 0.5, 0.005, -0.2 }), 12);
        Assert.Equal(0, LatentAlignmentMetric.Score(new[] { 0.001 }));
    }
}
