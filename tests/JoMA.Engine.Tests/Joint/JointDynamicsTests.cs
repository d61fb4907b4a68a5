using JoMA.Engine.Joint;

namespace JoMA.Engine.Tests.Joint;

/// <summary>The JoMA invariant holds along SGD on the joint toy (paper Fig. 2; an independent PyTorch run gave NC 0.95–1.00).</summary>
public class JointDynamicsTests
{
    static List<JomaInvariantSample> Run(JointVariant variant, long seed)
    {
        var samples = new List<JomaInvariantSample>();
        JointDynamicsSimulation.Run(new JointDynamicsOptions { Variant = variant, Seed = seed, Steps = 2000, SampleInterval = 10 }, samples.Add);
        return samples;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GaussianInvariantHoldsThroughout(long seed)
    {
        var samples = Run(JointVariant.Gaussian, seed);
        Assert.Equal(201, samples.Count);
        Assert.Equal(2000, samples[^1].Step);
        Assert.All(samples, s => Assert.True(s.Correlation >= 0.95, $"step {s.Step}: NC = {s.Correlation}"));
        Assert.True(samples[^1].CorrelationSquaredTerm >= 0.9, $"squared term NC at 2000 = {samples[^1].CorrelationSquaredTerm}");
        Assert.True(samples[^1].Loss < samples[0].Loss, $"loss {samples[0].Loss} -> {samples[^1].Loss}");
        Assert.Equal(1.0, samples[0].Correlation, 4); // ẑ(0) = z(0) by construction
    }

    /// <summary>
    /// Independent reference: the authors' draw_figure_2_3.py loop run in PyTorch 1.13 with torch.manual_seed(seed)
    /// (same draws: X, W, z): minimum NC over samples every 10 steps, and NC, squared-term NC and loss at step 2000.
    /// For the Random variant NC dips to 0.93 with these seeds in PyTorch too, so its floor is 0.92, not 0.95.
    /// </summary>
    [Theory]
    [InlineData(JointVariant.Gaussian, 0, 0.9509, 1350, 0.9755, 0.9693, 2.534)]
    [InlineData(JointVariant.Gaussian, 3, 0.9954, 1950, 0.9954, 0.9875, 2.514)]
    [InlineData(JointVariant.Random, 0, 0.9326, 1650, 0.9541, 0.9492, 2.491)]
    [InlineData(JointVariant.Random, 1, 0.9420, 2000, 0.9420, 0.9377, 2.737)]
    [InlineData(JointVariant.Random, 3, 0.9300, 1950, 0.9310, 0.8815, 2.708)]
    public void MatchesPyTorchReference(JointVariant variant, long seed, double minNc, int minStep, double finalNc, double finalSquared, double finalLoss)
    {
        var samples = Run(variant, seed);
        var min = samples.MinBy(s => s.Correlation)!;
        Assert.Equal(minNc, min.Correlation, 1e-3);
        Assert.InRange(min.Step, minStep - 50, minStep + 50);
        Assert.Equal(finalNc, samples[^1].Correlation, 1e-3);
        Assert.Equal(finalSquared, samples[^1].CorrelationSquaredTerm, 1e-3);
        Assert.Equal(finalLoss, samples[^1].Loss, 2e-3);
        Assert.Equal(2.996, samples[0].Loss, 2e-3);
        Assert.All(samples, s => Assert.True(s.Correlation >= 0.92, $"step {s.Step}: NC = {s.Correlation}"));
    }

    [Fact]
    public void IncludeStateCarriesLogitsAndV()
    {
        var samples = new List<JomaInvariantSample>();
        JointDynamicsSimulation.Run(new JointDynamicsOptions { Steps = 5, IncludeState = true, DistinctTokens = 3, CommonTokens = 2, Classes = 4, EmbeddingDimension = 8 }, samples.Add);
        Assert.Equal(6, samples.Count);
        Assert.Equal(5, samples[0].Z!.Length);
        Assert.Equal(new[] { 5, 4 }, new[] { samples[0].V!.GetLength(0), samples[0].V!.GetLength(1) });
        Assert.Equal(samples[0].Z, samples[0].ZPredicted!.Select(x => x), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void RejectsAnEmbeddingTooSmallForOrthonormalTokens()
    {
        var e = Assert.Throws<JomaException>(() => JointDynamicsSimulation.Run(new JointDynamicsOptions { EmbeddingDimension = 10 }, _ => { }));
        Assert.Equal("EmbeddingTooSmall", e.ErrorId);
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
