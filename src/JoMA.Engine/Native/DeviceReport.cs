using TorchSharp;

namespace JoMA.Engine.Native;

/// <summary>What Get-JomaDevice shows: the torch build, threads, CUDA, and where natives came from.</summary>
public sealed record DeviceReport(
    string TorchVersion,
    string TorchSharpVersion,
    int Threads,
    bool CudaAvailable,
    int CudaDeviceCount,
    string DefaultDevice,
    string? LibTorchDirectory,
    IReadOnlyList<string> LoadedLibraries)
{
    public static DeviceReport Capture()
    {
        NativeLibraries.EnsureLoaded();
        var cuda = torch.cuda.is_available();
        return new DeviceReport(
            TorchVersion: torch.__version__,
            TorchSharpVersion: typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            Threads: torch.get_num_threads(),
            CudaAvailable: cuda,
            CudaDeviceCount: cuda ? torch.cuda.device_count() : 0,
            DefaultDevice: cuda ? "cuda" : "cpu",
            LibTorchDirectory: NativeLibraries.TorchDirectory,
            LoadedLibraries: LoadedTorchLibraries());
    }

    /// <summary>Every torch-related shared object mapped into this process (from /proc/self/maps on Linux).</summary>
    static IReadOnlyList<string> LoadedTorchLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return NativeLibraries.Loaded;
        return File.ReadLines(maps)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 6 && parts[5].StartsWith('/'))
            .Select(parts => parts[5])
            .Where(path => Path.GetFileName(path) is var n && (n.Contains("torch", StringComparison.OrdinalIgnoreCase) || n.StartsWith("libc10")))
            .Distinct()
            .ToArray();
    }
}
