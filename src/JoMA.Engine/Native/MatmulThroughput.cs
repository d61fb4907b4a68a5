using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Native;

/// <summary>The practical matrix-multiply ceiling of this process: float32 GFLOP/s of an n×n×n product, best of several.</summary>
public static class MatmulThroughput
{
    public static double Gflops(int n = 2048, int repeats = 5, DevicePreference device = DevicePreference.Cpu)
    {
        var target = ComputeDevice.Resolve(device);
        using var scope = NewDisposeScope();
        var a = randn(n, n, device: target);
        var b = randn(n, n, device: target);
        var c = zeros(n, n, device: target);
        c.addmm_(a, b, beta: 0); // into a preallocated output: the kernel, not the allocator; first call warms up
        double best = double.PositiveInfinity;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            c.addmm_(a, b, beta: 0);
            if (target.type == DeviceType.CUDA) cuda.synchronize();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
