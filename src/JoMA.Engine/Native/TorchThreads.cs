using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace JoMA.Engine.Native;

/// <summary>
/// Runs a pass written in C# on libtorch's own OpenMP threads (libgomp's GOMP_parallel, the call behind every
/// <c>#pragma omp parallel</c> in libtorch) instead of on .NET's thread pool. Why: after each of its parallel regions
/// libgomp keeps its idle workers spinning for milliseconds (GOMP_SPINCOUNT), so a Parallel.For started between two
/// libtorch ops shares the cores with spinning threads; the training step's own passes (the loss over the logits,
/// Adam) sit exactly there. Where libtorch brings no libgomp (Windows and macOS builds, an external libtorch linked
/// to another OpenMP) this is Parallel.For. libtorch exposes no parallel_for through its C API or TorchSharp.
/// </summary>
public static unsafe class TorchThreads
{
    static readonly delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void> parallel;
    static readonly delegate* unmanaged<int> threadNumber, teamSize;

    static TorchThreads()
    {
        NativeLibraries.EnsureLoaded();
        if (NativeLibraries.TorchDirectory is not { } directory || !OperatingSystem.IsLinux()) return;
        // The copy beside libtorch is the one it was linked to (RUNPATH $ORIGIN), so this is its thread pool, already loaded.
        foreach (var file in Directory.EnumerateFiles(directory, "libgomp*.so*"))
        {
            if (!NativeLibrary.TryLoad(file, out var library)) continue;
            if (NativeLibrary.TryGetExport(library, "GOMP_parallel", out var run) &&
                NativeLibrary.TryGetExport(library, "omp_get_thread_num", out var number) &&
                NativeLibrary.TryGetExport(library, "omp_get_num_threads", out var size))
            {
                parallel = (delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void>)run;
                threadNumber = (delegate* unmanaged<int>)number;
                teamSize = (delegate* unmanaged<int>)size;
                return;
            }
        }
    }

    /// <summary>True when passes run on libtorch's OpenMP threads; false when they fall back to Parallel.For.</summary>
    public static bool SharesTorchThreads => parallel != null;

    /// <summary>How many workers share <paramref name="items"/> items: one per libtorch thread, at most one per item.</summary>
    public static int WorkersFor(int items) => Math.Max(1, Math.Min(torch.get_num_threads(), items));

    /// <summary>Elements per chunk of a pass over tensor memory: big enough to amortise scheduling, small enough to split the reference model's 5.8 M-element matrices.</summary>
    public const int ChunkLength = 1 << 16;

    /// <summary>[0, <paramref name="length"/>) cut into (start, count) chunks of <see cref="ChunkLength"/>, in order.</summary>
    public static IEnumerable<(int Start, int Count)> Chunks(long length)
    {
        for (int c = 0; c < ChunkCount(length); c++) yield return Chunk(length, c);
    }

    /// <summary><paramref name="body"/>(start, count) for every chunk of [0, <paramref name="length"/>) (<see cref="Chunks"/>), the chunks dealt out as <see cref="For"/> deals items.</summary>
    public static void ForChunks(long length, Action<int, int> body) =>
        For(ChunkCount(length), c =>
        {
            var (start, count) = Chunk(length, c);
            body(start, count);
        });

    static int ChunkCount(long length) => (int)((length + ChunkLength - 1) / ChunkLength);

    static (int Start, int Count) Chunk(long length, int c) => (c * ChunkLength, (int)Math.Min(ChunkLength, length - (long)c * ChunkLength));

    /// <summary><paramref name="body"/>(i) for every i in [0, <paramref name="count"/>), the items dealt out in turn to <see cref="WorkersFor"/> workers.</summary>
    public static void For(int count, Action<int> body)
    {
        int workers = WorkersFor(count);
        Run(workers, worker =>
        {
            for (int i = worker; i < count; i += workers) body(i);
        });
    }

    /// <summary>
    /// Calls <paramref name="body"/>(w) once for every worker w in [0, <paramref name="workers"/>), concurrently, the
    /// calling thread taking part; returns when all have finished, rethrowing the first exception one of them threw.
    /// </summary>
    public static void Run(int workers, Action<int> body)
    {
        if (workers <= 1) { body(0); return; }
        if (parallel == null)
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, body);
            return;
        }
        var work = new Work(body, workers);
        var handle = GCHandle.Alloc(work);
        try { parallel(&Member, GCHandle.ToIntPtr(handle), (uint)workers, 0); }
        finally { handle.Free(); }
        if (work.Error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>One OpenMP thread's share: OpenMP may grant fewer threads than asked, so each takes every team-size-th worker.</summary>
    [UnmanagedCallersOnly]
    static void Member(IntPtr state)
    {
        var work = (Work)GCHandle.FromIntPtr(state).Target!;
        int team = teamSize();
        for (int worker = threadNumber(); worker < work.Workers; worker += team)
        {
            try { work.Body(worker); }
            catch (Exception e) { Interlocked.CompareExchange(ref work.Error, e, null); } // an exception must not unwind into libgomp
        }
    }

    sealed class Work(Action<int> body, int workers)
    {
        public readonly Action<int> Body = body;
        public readonly int Workers = workers;
        public Exception? Error;
    }
}
