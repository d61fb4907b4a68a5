using JoMA.Engine.Theory;

namespace JoMA.Engine.Tests.Theory;

public class TokenRankingMetricsTests
{
    [Fact]
    public void TopOverlapCountsSharedTopTokensAndBreaksTiesByTokenOrder()
    {
        // Top 3 by prediction: tokens 0, 1, 2 (token 3 ties token 2 at 5 and loses, being later); by observation: 2, 3, 4.
        double[] predicted = [9, 7, 5, 5, 1, 0];
        double[] observed = [0, 1, 8, 9, 7, 2];
        Assert.Equal(1.0 / 3, TokenRankingMetrics.TopOverlap(predicted, observed, 3), 12);
        Assert.Equal(1.0, TokenRankingMetrics.TopOverlap(observed, observed, 3), 12);
        // With n ≤ k every token is in both top sets: not a measurement.
        Assert.True(double.IsNaN(TokenRankingMetrics.TopOverlap([1, 2, 3], [3, 2, 1], 3)));
    }

    [Fact]
    public void SignAgreementSkipsZeroObservationsAndUsesTheCentre()
    {
        double[] predicted = [0.9, 0.1, 0.5, 0.2, 0.7];
        double[] observed = [1.0, -2.0, 0.0, 0.5, -0.3];
        // Centre 0.4: signs of pred − c are +, −, (skipped: ζ_obs = 0), −, + against +, −, +, − → 2 of 4 agree.
        Assert.Equal(0.5, TokenRankingMetrics.SignAgreement(predicted, observed, 0.4), 12);
        Assert.True(double.IsNaN(TokenRankingMetrics.SignAgreement([1, 2], [0, 0], 0)));
    }

    [Fact]
    public void CentreIsTheInitialShareWeightedMeanWithEqualWeightsAsFallback()
    {
        double[] values = [1, 2, 6];
        Assert.Equal((0.5 * 1 + 0.25 * 2 + 0.25 * 6) / 1.0, TokenRankingMetrics.Centre(values, [0.5, 0.25, 0.25]), 12);
        Assert.Equal(3.0, TokenRankingMetrics.Centre(values, []), 12);
        Assert.Equal(3.0, TokenRankingMetrics.Centre(values, [0.0, 0.0, 0.0]), 12);
        Assert.Equal(3.0, TokenRankingMetrics.Centre(values, [0.5, double.NaN, 0.5]), 12);
    }
}
