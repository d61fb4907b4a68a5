using JoMA.Engine.Config;
using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Tests.Config;

public class DynamicsConfigTests
{
    [Fact]
    public void ReadsEveryKey()
    {
        var config = YamlConfigReader.Read<DynamicsConfig>("system: NonlinearExp\nmu: [1, 2.5]\ninitial_value: [0.1]\nmethod: euler\nstep_size: 0.01\nsteps: 20\nrelative_tolerance: 1e-7\n");
        Assert.Equal(DynamicsSystemKind.NonlinearExp, config.SystemKind);
        Assert.Equal(new[] { 1.0, 2.5 }, config.Mu);
        Assert.Equal(IntegrationMethod.Euler, config.MethodKind);
        Assert.Equal(1e-7, config.RelativeTolerance);
    }

    [Fact]
    public void UnknownKeyNamesKeyAndLine()
    {
        var e = Assert.Throws<JomaException>(() => YamlConfigReader.Read<DynamicsConfig>("mu: [1, 2]\ntemprature: 3\n", "x.yaml"));
        Assert.Equal("ConfigUnknownKey", e.ErrorId);
        Assert.Contains("temprature", e.Message);
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void WrongTypeNamesKeyAndLine()
    {
        var e = Assert.Throws<JomaException>(() => YamlConfigReader.Read<DynamicsConfig>("mu: [1, 2]\n\ntemperature: hot\n"));
        Assert.Equal("ConfigInvalidValue", e.ErrorId);
        Assert.Contains("'temperature'", e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void MalformedYamlIsReported()
    {
        var e = Assert.Throws<JomaException>(() => YamlConfigReader.Read<DynamicsConfig>("mu: [1, 2\nsystem: x\n"));
        Assert.Equal("ConfigMalformed", e.ErrorId);
    }

    [Fact]
    public void UnknownSystemListsTheKnownOnes()
    {
        var config = YamlConfigReader.Read<DynamicsConfig>("system: Quadratic\n");
        var e = Assert.Throws<JomaException>(() => config.SystemKind);
        Assert.Equal("UnknownSystem", e.ErrorId);
        Assert.Contains("NonlinearSoftmax", e.Message);
    }
}
