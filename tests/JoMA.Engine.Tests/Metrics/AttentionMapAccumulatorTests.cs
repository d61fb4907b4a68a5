using JoMA.Engine.Metrics;
using JoMA.Engine.Native;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Metrics;

public class AttentionMapAccumulatorTests
{
    /// <summary>The tensor path agrees with the row-by-row definition on random causal maps, over two batches.</summary>
    [Fact]
    public void AgreesWithRowByRowStatistics()
    {
        NativeLibraries.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        const int b = 2, h = 3, t = 6;
        var scores = randn(new long[] { b, h, t, t }, generator: generator) * 2;
        var p = scores.masked_fill(ones(t, t, ScalarType.Bool).triu(1), double.NegativeInfinity).softmax(-1);
        var accumulator = new AttentionMapAccumulator(0, h);
        accumulator.Add(p[..1]);
        accumulator.Add(p[1..]);
        var result = accumulator.Result();

        var values = p.to_type(ScalarType.Float64).data<double>().ToArray();
        double Value(int bi, int hi, int q, int k) => values[((bi * h + hi) * t + q) * t + k];
        var perHead = Enumerable.Range(0, h).Select(_ => new AttentionRowStatistics.Accumulator()).ToArray();
        var averaged = new AttentionRowStatistics.Accumulator();
        for (int bi = 0; bi < b; bi++)
            for (int q = 0; q < t; q++)
            {
                var mean = new double[q + 1];
                for (int hi = 0; hi < h; hi++)
                {
                    var row = Enumerable.Range(0, q + 1).Select(k => Value(bi, hi, q, k)).ToArray();
                    Assert.True(perHead[hi].TryAdd(row));
                    for (int k = 0; k <= q; k++) mean[k] += row[k] / h;
                }
                Assert.True(averaged.TryAdd(mean));
            }
        void Same(AttentionRowStatistics expected, AttentionRowStatistics actual)
        {
            Assert.Equal(expected.Rows, actual.Rows);
            Assert.Equal(expected.Entropy, actual.Entropy, 1e-6);
            Assert.Equal(expected.MaxEntropy, actual.MaxEntropy, 1e-9);
            Assert.Equal(expected.TopMass, actual.TopMass, 1e-6);
        }
        Same(averaged.Result(), result.HeadAveraged);
        for (int hi = 0; hi < h; hi++) Same(perHead[hi].Result(), result.PerHead[hi]);
    }

    [Fact]
    public void UniformCausalAttentionOver35PositionsHasTheReferenceEntropy()
    {
        NativeLibraries.EnsureLoaded();
        using var scope = NewDisposeScope();
        const int t = 35;
        var p = ones(t, t).tril();
        p = (p / p.sum(-1, keepdim: true)).unsqueeze(0);
        var accumulator = new AttentionMapAccumulator(0, 1);
        accumulator.Add(p);
        double uniform = Enumerable.Range(1, t).Sum(i => Math.Log(i)) / t;
        Assert.Equal(2.632, uniform, 3);
        Assert.Equal(uniform, accumulator.Result().HeadAveraged.Entropy, 6);
    }
}
