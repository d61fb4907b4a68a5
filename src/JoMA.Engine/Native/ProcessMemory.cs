using System.Runtime.InteropServices;

namespace JoMA.Engine.Native;

/// <summary>
/// Hands freed native heap memory back to the operating system. libtorch frees tensors with free(), but glibc keeps
/// freed mid-sized blocks (1–32 MB, e.g. attention blocks and MLP activations) in its heaps, so without this a long
/// run of windows grows the resident set by fragments of earlier windows although nothing is leaked.
/// </summary>
public static partial class ProcessMemory
{
    static bool unavailable;

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>Calls glibc's malloc_trim(0) on Linux; a no-op elsewhere or on a libc without it (musl).</summary>
    public static void ReturnFreedMemory()
    {
        if (unavailable || !OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { unavailable = true; }
    }
}
