using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Tests.Dynamics;

public class DormandPrinceTests
{
    static readonly double[] LinspaceMu = Enumerable.Range(0, 10).Select(i => 1 + 3.0 * i / 9).ToArray();

    [Fact]
    public void LinspaceMuMinimumAndEndMatchOracle()
    {
        var summary = DynamicsSolver.Solve(new DynamicsProblem { Mu = LinspaceMu, Temperature = 3 },
            new SolverOptions { Until = 100, RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
        Assert.Equal(SolverStatus.Completed, summary.Status);
        Assert.InRange(summary.MinEntropy, 0.5480 - 1e-3, 0.5480 + 1e-3);
        Assert.InRange(summary.MinEntropyTime, 12.44 - 0.05, 12.44 + 0.05);
        Assert.InRange(summary.FinalEntropy, 1.1945 - 1e-3, 1.1945 + 1e-3);
        Assert.Single(summary.EntropyMinimumTimes);
        Assert.Equal(100, summary.FinalTime);
    }

    [Fact]
    public void MinimumIsARootOfTheEntropyRateNotASample()
    {
        var problem = new DynamicsProblem { Mu = LinspaceMu, Temperature = 3 };
        var summary = DynamicsSolver.Solve(problem, new SolverOptions { Until = 100, RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12 });
        // Entropy on a fine grid around the located minimum never goes below it (to solver accuracy).
        var times = Enumerable.Range(-20, 41).Select(i => summary.MinEntropyTime + i * 0.01).ToArray();
        var samples = new List<JomaDynamicsSample>();
        DynamicsSolver.Solve(problem, new SolverOptions { Until = 20, RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12, SampleTimes = times }, samples.Add);
        Assert.Equal(times.Length, samples.Count);
        Assert.All(samples, s => Assert.True(s.Entropy >= summary.MinEntropy - 1e-9, $"H({s.Time}) = {s.Entropy} < {summary.MinEntropy}"));
    }

    [Fact]
    public void ErrorShrinksAsToleranceTightens()
    {
        var problem = new DynamicsProblem { Mu = LinspaceMu, Temperature = 3 };
        double[] FinalV(double rtol) => DynamicsSolver.Solve(problem, new SolverOptions { Until = 100, RelativeTolerance = rtol, AbsoluteTolerance = rtol * 1e-3 }).FinalV;
        var reference = FinalV(1e-13);
        double Error(double rtol) => FinalV(rtol).Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        double loose = Error(1e-4), medium = Error(1e-6), tight = Error(1e-8);
        Assert.True(loose > medium && medium > tight, $"errors {loose:E2} {medium:E2} {tight:E2} do not shrink");
        Assert.True(tight < 1e-6, $"rtol 1e-8 error {tight:E2}");
    }

    [Fact]
    public void ExponentialDecayMatchesClosedForm()
    {
        // NonlinearExp with v(0) = μ stays at μ; with v near μ it is linear: a sanity check of the stepper on y' = (μ−y)e^{μ²/2}.
        var summary = DynamicsSolver.Solve(new DynamicsProblem { System = DynamicsSystemKind.NonlinearExp, Mu = new[] { 0.0, 0.0 }, InitialValue = new[] { 0.0, 1e-3 } },
            new SolverOptions { Until = 2, RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-14 });
        // μ = 0: v' = −v·exp(v²/2) ≈ −v for tiny v, so v(2) ≈ 1e−3·e^{−2} (the v² correction is ~1e−6 relative).
        Assert.Equal(1e-3 * Math.Exp(-2), summary.FinalV[1], 1e-9);
        Assert.Equal(0.0, summary.FinalV[0]);
    }

    [Fact]
    public void DenseOutputHitsRequestedTimesAndCountsWork()
    {
        var samples = new List<JomaDynamicsSample>();
        var summary = DynamicsSolver.Solve(new DynamicsProblem { Mu = LinspaceMu }, new SolverOptions { Until = 100, SampleInterval = 0.5 }, samples.Add);
        Assert.Equal(201, samples.Count);
        Assert.Equal(Enumerable.Range(0, 201).Select(i => i * 0.5), samples.Select(s => s.Time));
        Assert.True(summary.AcceptedSteps > 10 && summary.Evaluations >= 6 * summary.AcceptedSteps);
        Assert.All(samples, s => Assert.Equal(1.0, s.Attention.Sum(), 1e-12));
    }

    [Fact]
    public void CancellationStopsTheSolve()
    {
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = LinspaceMu },
            new SolverOptions { Until = 1e6, MaxStep = 1e-3 }, _ => { if (++seen == 3) cts.Cancel(); }, cancellation: cts.Token));
        Assert.Equal(3, seen);
    }
}
