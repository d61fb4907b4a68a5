using JoMA.Engine.Dynamics;
using MathNet.Numerics;

namespace JoMA.Engine.Tests.Dynamics;

/// <summary>The Linear system against its closed form v(t) = √2·erfinv(√(2/π)·Δt/A) and blow-up time t* = √(π/2)·A/|Δ|.</summary>
public class LinearSystemTests
{
    static readonly double[] Delta = { 0.5, 1.0, -0.25, 2.0 };
    const double A = 1.5;

    static double ClosedForm(double delta, double t) => Math.Sqrt(2) * SpecialFunctions.ErfInv(Math.Sqrt(2 / Math.PI) * delta * t / A);
    static double BlowUpTime => Delta.Select(d => Math.Sqrt(Math.PI / 2) * A / Math.Abs(d)).Min();

    [Fact]
    public void AgreesWithClosedFormBeforeBlowUp()
    {
        var times = Enumerable.Range(1, 40).Select(i => BlowUpTime * i / 44.0).ToArray();
        var samples = new List<JomaDynamicsSample>();
        DynamicsSolver.Solve(new DynamicsProblem { System = DynamicsSystemKind.Linear, Delta = Delta, A = A },
            new SolverOptions { Until = BlowUpTime * 0.95, RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-14, SampleTimes = times }, samples.Add);
        Assert.Equal(times.Length, samples.Count);
        foreach (var s in samples)
            for (int l = 0; l < Delta.Length; l++)
            {
                var exact = ClosedForm(Delta[l], s.Time);
                Assert.True(Math.Abs(s.V[l] - exact) <= 1e-6 * Math.Abs(exact), $"t={s.Time} l={l}: {s.V[l]} vs {exact}");
            }
    }

    [Fact]
    public void StopsAtTheBlowUpWithItsTimeAndNoNonFiniteValues()
    {
        var samples = new List<JomaDynamicsSample>();
        var summary = DynamicsSolver.Solve(new DynamicsProblem { System = DynamicsSystemKind.Linear, Delta = Delta, A = A },
            new SolverOptions { Until = 10 * BlowUpTime }, samples.Add);
        Assert.Equal(SolverStatus.BlowUp, summary.Status);
        Assert.NotNull(summary.BlowUpTime);
        Assert.True(Math.Abs(summary.BlowUpTime!.Value - BlowUpTime) <= 1e-4 * BlowUpTime, $"{summary.BlowUpTime} vs {BlowUpTime}");
        Assert.All(samples, s => Assert.True(s.V.All(double.IsFinite) && double.IsFinite(s.Entropy)));
        Assert.True(double.IsFinite(summary.FinalEntropy) && summary.FinalV.All(double.IsFinite));
    }

    [Fact]
    public void AttentionOnlySharpens()
    {
        var samples = new List<JomaDynamicsSample>();
        DynamicsSolver.Solve(new DynamicsProblem { System = DynamicsSystemKind.Linear, Delta = Delta, A = A },
            new SolverOptions { Until = 10 * BlowUpTime }, samples.Add);
        Assert.True(samples.Count > 10);
        for (int i = 1; i < samples.Count; i++) Assert.True(samples[i].Entropy <= samples[i - 1].Entropy + 1e-12);
    }

    [Fact]
    public void EulerBlowUpIsReportedNotPropagated()
    {
        var summary = DynamicsSolver.Solve(new DynamicsProblem { System = DynamicsSystemKind.Linear, Delta = new[] { 1.0 }, A = 1 },
            new SolverOptions { Method = IntegrationMethod.Euler, StepSize = 0.01, Steps = 100000 });
        Assert.Equal(SolverStatus.BlowUp, summary.Status);
        Assert.True(summary.FinalV.All(double.IsFinite));
    }
}
