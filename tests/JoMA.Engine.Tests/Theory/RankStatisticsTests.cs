using JoMA.Engine.Theory;

namespace JoMA.Engine.Tests.Theory;

public class RankStatisticsTests
{
    [Fact]
    public void SmallCasesMatchHandComputedValues()
    {
        // x = 1,2,3 against y = 1,3,2: rank differences 0,−1,1 → ρ = 1 − 6·2/(3·8) = 1/2; pairs +,+,− → τ = 1/3.
        Assert.Equal(0.5, RankStatistics.Spearman([1, 2, 3], [1, 3, 2])!.Value, 12);
        Assert.Equal(1.0 / 3, RankStatistics.KendallTauB([1, 2, 3], [1, 3, 2])!.Value, 12);

        // One tie in x: ranks 1, 2.5, 2.5, 4 against 1..4 → ρ = 4.5/√(4.5·5) = 3/√10;
        // 5 concordant pairs, 1 tied in x only → τ-b = 5/√(5·6).
        Assert.Equal(3 / Math.Sqrt(10), RankStatistics.Spearman([1, 2, 2, 3], [1, 2, 3, 4])!.Value, 12);
        Assert.Equal(5 / Math.Sqrt(30), RankStatistics.KendallTauB([1, 2, 2, 3], [1, 2, 3, 4])!.Value, 12);
    }

    [Fact]
    public void MonotoneRelationsGivePlusOrMinusOne()
    {
        double[] x = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1];
        double[] up = x.Select(v => Math.Exp(3 * v)).ToArray(), down = x.Select(v => -v * v * v).ToArray();
        Assert.Equal(1.0, RankStatistics.Spearman(x, up)!.Value, 12);
        Assert.Equal(1.0, RankStatistics.KendallTauB(x, up)!.Value, 12);
        Assert.Equal(-1.0, RankStatistics.Spearman(x, down)!.Value, 12);
        Assert.Equal(-1.0, RankStatistics.KendallTauB(x, down)!.Value, 12);
    }

    // Expected values from scipy 1.10.1 (Debian python3-scipy):
    //   from scipy.stats import spearmanr, kendalltau; print(repr(spearmanr(x, y).statistic), repr(kendalltau(x, y).statistic))
    // kendalltau's default variant is τ-b; spearmanr ranks ties by their average rank.
    public static TheoryData<double[], double[], double, double> ScipyCases => new()
    {
        { [3.1, -0.4, 2.2, 2.2, 5.0, 0.7, 1.9, -2.3], [0.5, 0.1, 0.9, 0.3, 1.4, 0.3, -0.6, 0.2], 0.7650602409638554, 0.5925925925925926 },
        { [1, 2, 2, 3, 3, 3, 4, 5, 6, 6], [2, 1, 4, 4, 3, 6, 5, 5, 8, 7], 0.854103170103228, 0.7233642332556182 },
        { [0.12, 0.95, 0.33, 0.47, 0.81, 0.05, 0.66, 0.29, 0.74, 0.58, 0.18, 0.9], [1.3, 0.2, 0.8, 0.8, -0.5, 1.7, 0.1, 0.9, -0.2, 0.4, 1.1, 0.0], -0.9071817764981586, -0.8091838819320086 },
        // Censored values as +inf (tied among themselves, after every finite value), as M4 ranks "never rises".
        { [1, 2, 3, 4, 5, 6, 7], [1, 2, double.PositiveInfinity, 4, double.PositiveInfinity, double.PositiveInfinity, 3], 0.5188745216627708, 0.4114755998989118 },
    };

    [Theory]
    [MemberData(nameof(ScipyCases))]
    public void MatchesScipy(double[] x, double[] y, double spearman, double kendall)
    {
        Assert.Equal(spearman, RankStatistics.Spearman(x, y)!.Value, 12);
        Assert.Equal(kendall, RankStatistics.KendallTauB(x, y)!.Value, 12);
        // Both are symmetric in their arguments.
        Assert.Equal(spearman, RankStatistics.Spearman(y, x)!.Value, 12);
        Assert.Equal(kendall, RankStatistics.KendallTauB(y, x)!.Value, 12);
    }

    [Fact]
    public void UndefinedCoefficientsAreNullNotNaN()
    {
        Assert.Null(RankStatistics.Spearman([1, 2], [2, 1]));                  // n < 3
        Assert.Null(RankStatistics.KendallTauB([1, 2], [2, 1]));
        Assert.Null(RankStatistics.Spearman([4, 4, 4, 4], [1, 2, 3, 4]));      // constant side
        Assert.Null(RankStatistics.KendallTauB([1, 2, 3, 4], [7, 7, 7, 7]));
        double inf = double.PositiveInfinity;
        Assert.Null(RankStatistics.KendallTauB([1, 2, 3], [inf, inf, inf]));   // all censored
        Assert.Null(RankStatistics.Spearman([1, double.NaN, 3], [1, 2, 3]));
        Assert.Null(RankStatistics.KendallTauB([1, 2, 3], [1, double.NaN, 3]));
        Assert.Throws<ArgumentException>(() => RankStatistics.Spearman([1, 2, 3], [1, 2]));
    }

    [Fact]
    public void LongInputsUseHeapBuffersAndAgreeWithShortOnes()
    {
        // Past the stack limit (256) the ranks live on the heap; a permutation of 0..n−1 against itself reversed is −1.
        var x = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();
        var y = x.Select(v => 1000 - v).ToArray();
        Assert.Equal(-1.0, RankStatistics.Spearman(x, y)!.Value, 12);
    }
}
