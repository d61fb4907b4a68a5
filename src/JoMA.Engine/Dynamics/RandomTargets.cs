using JoMA.Engine.Native;
using TorchSharp;

namespace JoMA.Engine.Dynamics;

/// <summary>The authors' random targets: μ = sort(rand(M)·3 + 1) drawn from libtorch's CPU generator (draw_figure_4.py).</summary>
public static class RandomTargets
{
    public static double[] Mu(int count, long seed)
    {
        if (count <= 0) throw JomaException.Argument("RandomMuNotPositive", $"-RandomMu must be 1 or more (got {count}).");
        NativeLibraries.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(unchecked((ulong)seed), torch.CPU);
        // float32 throughout, as torch computes it; widened to double only at the end.
        var (sorted, _) = (torch.rand(count, generator: generator) * 3 + 1).sort();
        return sorted.data<float>().Select(x => (double)x).ToArray();
    }
}
