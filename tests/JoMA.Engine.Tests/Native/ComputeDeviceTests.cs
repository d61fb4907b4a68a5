using JoMA.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Native;

public class ComputeDeviceTests
{
    public ComputeDeviceTests() => NativeLibraries.EnsureLoaded();

    [Fact]
    public void CudaAskedForWithoutAGpuIsAClearError()
    {
        if (cuda.is_available()) return; // a GPU machine: Resolve(Cuda) succeeds there (tools/device/check.sh covers it)
        var e = Assert.Throws<JomaException>(() => ComputeDevice.Resolve(DevicePreference.Cuda));
        Assert.Equal("CudaUnavailable", e.ErrorId);
        Assert.Equal(JomaErrorKind.ResourceUnavailable, e.Kind);
        Assert.Contains("CUDA was requested", e.Message);
        Assert.Contains("CPU-only build", e.Message);           // the bundled NuGet libtorch has no libtorch_cuda
        Assert.Contains(NativeLibraries.ExternalDirectoryVariable, e.Message);
        Assert.Contains("-Device Cpu", e.Message);
    }

    [Fact]
    public void AutoFallsBackToTheCpuWithoutAGpu()
    {
        if (cuda.is_available()) return;
        Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve(DevicePreference.Auto).type);
    }
}
