using JoMA.Engine.Metrics;

namespace JoMA.Engine.Tests.Metrics;

public class AttentionEntropyTests
{
    static void Softmax(double[] logits, double[] p)
    {
        double max = logits.Max(), sum = logits.Sum(s => Math.Exp(s - max));
        for (int k = 0; k < p.Length; k++) p[k] = Math.Exp(logits[k] - max) / sum;
    }

    [Fact]
    public void UniformRowHasLogEntropy()
    {
        for (int n = 1; n <= 40; n++)
            Assert.Equal(Math.Log(n), AttentionEntropy.Of(Enumerable.Repeat(1.0 / n, n).ToArray()), 1e-6);
    }

    [Fact]
    public void OneHotRowHasZeroEntropy() => Assert.Equal(0, AttentionEntropy.Of(new[] { 0.0, 1.0, 0.0 }), 1e-7);

    [Fact]
    public void EntropyGradientMatchesFiniteDifferences()
    {
        var logits = new[] { 0.3, -1.2, 2.0, 0.7, -0.4, 1.1 }; // one whole vector and a scalar tail
        var p = new double[logits.Length];
        Softmax(logits, p);
        var gradient = new double[logits.Length];
        AttentionEntropy.GradientWithRespectToLogits(p, gradient);
        for (int k = 0; k < logits.Length; k++)
        {
            double H(double delta)
            {
                var s = (double[])logits.Clone(); s[k] += delta;
                var q = new double[logits.Length]; Softmax(s, q);
                return AttentionEntropy.Of(q);
            }
            Assert.Equal((H(1e-6) - H(-1e-6)) / 2e-6, gradient[k], 1e-7);
        }
    }

    [Fact]
    public void NormalizedCorrelationIsCentredCosine()
    {
        Assert.Equal(1.0, NormalizedCorrelation.Of(new[] { 1.0, 2, 3 }, new[] { 10.0, 20, 30 }), 6);
        Assert.Equal(-1.0, NormalizedCorrelation.Of(new[] { 1.0, 2, 3 }, new[] { 5.0, 4, 3 }), 6);
        Assert.Equal(0.0, NormalizedCorrelation.Of(new[] { 1.0, -1, 1, -1 }, new[] { 1.0, 1, -1, -1 }), 9);
    }
}
