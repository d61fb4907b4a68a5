using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Tests.Dynamics;

public class ValidationTests
{
    static string ErrorId(Action action) => Assert.Throws<JomaException>(action).ErrorId;

    [Fact]
    public void BadInputGivesStableErrorIds()
    {
        var ok = new SolverOptions { Until = 1 };
        Assert.Equal("DimensionMismatch", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = new[] { 1.0, 2 }, InitialValue = new[] { 0.1, 0.2, 0.3 } }, ok)));
        Assert.Equal("NonFiniteInput", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = new[] { 1.0, double.NaN } }, ok)));
        Assert.Equal("NonFiniteInput", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = new[] { 1.0 }, InitialValue = new[] { double.PositiveInfinity } }, ok)));
        Assert.Equal("TemperatureNotPositive", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = new[] { 1.0 }, Temperature = 0 }, ok)));
        Assert.Equal("UntilNotPositive", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = new[] { 1.0 } }, new SolverOptions { Until = -1 })));
        Assert.Equal("EulerStepSizeMissing", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { Mu = new[] { 1.0 } }, new SolverOptions { Method = IntegrationMethod.Euler, Steps = 10 })));
        Assert.Equal("MuMissing", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem(), ok)));
        Assert.Equal("DeltaMissing", ErrorId(() => DynamicsSolver.Solve(new DynamicsProblem { System = DynamicsSystemKind.Linear, Mu = new[] { 1.0 } }, ok)));
    }
}
