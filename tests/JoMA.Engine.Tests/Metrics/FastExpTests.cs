using System.Runtime.Intrinsics;
using JoMA.Engine.Metrics;

namespace JoMA.Engine.Tests.Metrics;

public class FastExpTests
{
    [Fact]
    public void AgreesWithExpToAboutOneUlpOverTheSoftmaxRange()
    {
        double worst = 0;
        for (int i = 0; i <= 200_000; i++)
        {
            float x = -87f + 87f * i / 200_000f; // softmax inputs: z − max ≤ 0
            float exact = (float)Math.Exp(x);
            float fast = FastExp.Of(Vector256.Create(x))[3];
            worst = Math.Max(worst, Math.Abs(fast - exact) / exact);
        }
        Assert.InRange(worst, 0, 2.4e-7); // about 1 ulp of float (2⁻²³ ≈ 1.19e−7 relative spacing)
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(1f, 2.7182817f)]
    [InlineData(-100f, 0f)]              // below the normal range: exactly 0, not a denormal
    [InlineData(float.NegativeInfinity, 0f)]
    public void EdgeValues(float x, float expected) => Assert.Equal(expected, FastExp.Of(Vector256.Create(x))[0], 6);
}
