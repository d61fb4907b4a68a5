using System.Runtime.InteropServices;

namespace JoMA.Engine.Native;

/// <summary>
/// Loads libtorch and LibTorchSharp by full path before TorchSharp's first call.
/// Why: inside pwsh there is no deps.json for the module, so .NET probes for natives only next to
/// TorchSharp.dll and TorchSharp otherwise falls back to copying ~500 MB out of the NuGet cache.
/// Once a library is loaded by path, glibc satisfies TorchSharp's later load-by-name with it.
/// JOMA_LIBTORCH_DIR points at an external libtorch 2.10 (e.g. a CUDA build); it is tried first.
/// </summary>
public static class NativeLibraries
{
    public const string ExternalDirectoryVariable = "JOMA_LIBTORCH_DIR";

    static readonly object Gate = new();
    static readonly List<string> loaded = new();
    static bool attempted;

    /// <summary>Full paths of the native libraries this process loaded through this class, in load order.</summary>
    public static IReadOnlyList<string> Loaded { get { lock (Gate) return loaded.ToArray(); } }

    /// <summary>The folder libtorch was taken from, or null when TorchSharp was left to find it.</summary>
    public static string? TorchDirectory { get; private set; }

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (attempted) return;
            attempted = true;
            var candidates = CandidateDirectories().ToList();
            var torchDir = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, FileName("torch"))));
            var sharpDir = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, FileName("LibTorchSharp"))));
            if (torchDir is null || sharpDir is null) return; // TorchSharp reports what is missing
            TorchDirectory = torchDir;
            foreach (var name in new[] { "torch", "torch_cuda" })
            {
                var file = Path.Combine(torchDir, FileName(name));
                if (File.Exists(file)) Load(file);
            }
            Load(Path.Combine(sharpDir, FileName("LibTorchSharp")));
        }
    }

    static void Load(string file)
    {
        try
        {
            NativeLibrary.Load(file);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new JomaException("NativeLibraryLoadFailed", JomaErrorKind.ResourceUnavailable,
                $"Could not load '{file}': {e.Message}. Rebuild the module with the project's build script (it patches libLibTorchSharp.so for Debian 12), " +
                $"or set {ExternalDirectoryVariable} to a libtorch 2.10 lib folder.", e);
        }
        loaded.Add(file);
    }

    static IEnumerable<string> CandidateDirectories()
    {
        var external = Environment.GetEnvironmentVariable(ExternalDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(external)) yield return external;
        var here = Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location)!;
        yield return here; // publish -r linux-x64: natives flat beside the assembly
        yield return Path.Combine(here, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"); // dotnet build / test layout
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        yield return Path.Combine(here, "runtimes", $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}", "native");
    }

    static string FileName(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";
}
