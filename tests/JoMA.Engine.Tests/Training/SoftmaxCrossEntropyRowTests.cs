using System.Runtime.Intrinsics;
using JoMA.Engine.Training;

namespace JoMA.Engine.Tests.Training;

public class SoftmaxCrossEntropyRowTests
{
    delegate double RowBackward(Span<float> row, ReadOnlySpan<float> bias, int target, float inverseRows, Span<float> columnSums, ReadOnlySpan<float> upcoming);

    /// <summary>The portable pass everywhere; the AVX-512 pass too where the CPU runs it (it is never called elsewhere).</summary>
    static IEnumerable<(string Name, RowBackward Backward)> Implementations()
    {
        yield return ("portable", SoftmaxCrossEntropyRow.BackwardPortable);
        if (SoftmaxCrossEntropyRow.Vectorised) yield return ("avx512", SoftmaxCrossEntropyRow.BackwardAvx512);
    }

    /// <summary>Logits and bias on a 1/64 grid, so z = x + b and z − max are exact in float and the float64 reference sees the same arguments.</summary>
    static (float[] Logits, float[] Bias) Row(int length, int seed, double spread)
    {
        var random = new Random(seed);
        float Grid(double scale) => (float)(Math.Round((random.NextDouble() - 0.5) * scale * 64) / 64);
        return (Enumerable.Range(0, length).Select(_ => Grid(spread)).ToArray(), Enumerable.Range(0, length).Select(_ => Grid(4)).ToArray());
    }

    [Theory]
    [InlineData(1003, 17, 8.0)]     // 62 vectors of 16 and a tail of 11; target in a vector
    [InlineData(1003, 1000, 8.0)]   // target in the scalar tail
    [InlineData(1003, 5, 170.0)]    // logits spread over 170: exponentials from 1 down to below ln(2⁻¹²⁶)
    [InlineData(16, 3, 8.0)]        // one whole vector, no tail
    [InlineData(7, 6, 8.0)]         // only a tail
    public void LossAndGradientEqualAFloat64Reference(int length, int target, double spread)
    {
        var (logits, bias) = Row(length, length + target, spread);
        const int rows = 7;
        var z = logits.Zip(bias, (x, b) => (double)(x + b)).ToArray();
        double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
        double loss = Math.Log(sum) + max - z[target];
        var gradient = z.Select((v, j) => (Math.Exp(v - max) / sum - (j == target ? 1 : 0)) / rows).ToArray();

        foreach (var (name, backward) in Implementations())
        {
            var row = (float[])logits.Clone();
            var columnSums = Enumerable.Repeat(0.25f, length).ToArray();   // the sums add to what is there
            double got = backward(row, bias, target, 1f / rows, columnSums, default);

            // With an upcoming row to prefetch: the same bits, and the upcoming row untouched.
            var (upcoming, _) = Row(length, target, spread);
            var upcomingBefore = (float[])upcoming.Clone();
            var rowAgain = (float[])logits.Clone();
            var columnSumsAgain = Enumerable.Repeat(0.25f, length).ToArray();
            Assert.Equal(got, backward(rowAgain, bias, target, 1f / rows, columnSumsAgain, upcoming));
            Assert.Equal(row, rowAgain);
            Assert.Equal(columnSums, columnSumsAgain);
            Assert.Equal(upcomingBefore, upcoming);

            Assert.True(Math.Abs(got - loss) <= 1e-5 * Math.Max(1, Math.Abs(loss)), $"{name}: loss {got} against {loss}");
            for (int j = 0; j < length; j++)
            {
                // Each probability to about five float ulps of itself (both passes measure ≤ 2.5e-7; an exp off by 1e-5
                // fails); below e⁻⁸⁷ a probability may be 0 or a denormal, either within 1e-38 of the truth.
                double tolerance = Math.Abs(gradient[j]) > 1e-36 ? 6e-7 * Math.Abs(gradient[j]) : 1e-38;
                Assert.True(Math.Abs(row[j] - gradient[j]) <= tolerance, $"{name}: ∂loss/∂z[{j}] = {row[j]} against {gradient[j]}");
                Assert.True(Math.Abs(columnSums[j] - (0.25 + gradient[j])) <= 1e-7, $"{name}: column sum {j}");
            }
        }
    }

    [Fact]
    public void NonFiniteLogitsGiveANaNLossAndMinusInfinityGivesProbabilityZero()
    {
        foreach (var (name, backward) in Implementations())
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
                foreach (int at in new[] { 3, 40 })                          // in a vector and in the tail
                {
                    var row = Enumerable.Range(0, 41).Select(j => j / 10f).ToArray();
                    row[at] = bad;
                    Assert.True(double.IsNaN(backward(row, new float[41], 0, 1f, new float[41], default)), $"{name}: {bad} at {at}");
                }
            var masked = Enumerable.Range(0, 41).Select(j => j % 2 == 0 ? float.NegativeInfinity : 0f).ToArray();
            double loss = backward(masked, new float[41], 1, 1f, new float[41], default);
            Assert.Equal(Math.Log(20), loss, 1e-6);                           // 20 finite logits, all equal
            for (int j = 0; j < 41; j += 2) Assert.Equal(0f, masked[j]);
        }
    }

    [Fact]
    public void Avx512ExpIsWithinTwoUlpsOfExpAndZeroBelowTheNormalRange()
    {
        // Only AVX-512 CPUs run this exp (elsewhere the portable pass uses TensorPrimitives.Exp).
        if (!SoftmaxCrossEntropyRow.Vectorised) { Assert.False(Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported); return; }
        const int count = 1 << 20;
        var worst = 0.0;
        var x = new float[16];
        for (int k = 0; k < count; k += 16)
        {
            for (int l = 0; l < 16; l++) x[l] = -87.3f * (k + l) / count;     // the whole of [−87.3, 0]
            var e = SoftmaxCrossEntropyRow.Exp(Vector512.Create(x));
            for (int l = 0; l < 16; l++)
            {
                double exact = Math.Exp(x[l]);
                worst = Math.Max(worst, Math.Abs(e[l] - exact) / (exact * Math.Pow(2, -23)));   // in ulps of the result
            }
        }
        Assert.InRange(worst, 0, 2);
        Assert.Equal(1f, SoftmaxCrossEntropyRow.Exp(Vector512<float>.Zero)[0]);
        var below = SoftmaxCrossEntropyRow.Exp(Vector512.Create(-87.34f, -100f, -1e30f, float.NegativeInfinity, -88f, -90f, -95f, -103f, -104f, -150f, -200f, -300f, -1000f, -87.5f, -88.5f, -89f));
        for (int l = 0; l < 16; l++) Assert.Equal(0f, below[l]);
    }
}
