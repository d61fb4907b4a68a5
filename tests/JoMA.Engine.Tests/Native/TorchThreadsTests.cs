using JoMA.Engine.Native;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Native;

public class TorchThreadsTests
{
    public TorchThreadsTests() => NativeLibraries.EnsureLoaded();

    [Fact]
    public void SharesLibtorchsOpenMpThreadsOnLinux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), TorchThreads.SharesTorchThreads); // the CPU libtorch bundled on Linux brings libgomp
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]   // more workers than cores: OpenMP may grant fewer threads, each worker still runs once
    public void RunsEveryWorkerOnceAndWaitsForAll(int workers)
    {
        var runs = new int[workers];
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        TorchThreads.Run(workers, w =>
        {
            Thread.Sleep(20);
            Interlocked.Increment(ref runs[w]);
            threads[Environment.CurrentManagedThreadId] = true;
        });
        Assert.All(runs, r => Assert.Equal(1, r));
        if (workers > 1 && get_num_threads() > 1) Assert.True(threads.Count > 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(101)]
    public void ForVisitsEveryIndexOnce(int count)
    {
        var visits = new int[count];
        TorchThreads.For(count, i => Interlocked.Increment(ref visits[i]));
        Assert.All(visits, v => Assert.Equal(1, v));
        Assert.Equal(Math.Max(1, Math.Min(get_num_threads(), count)), TorchThreads.WorkersFor(count));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TorchThreads.ChunkLength)]
    [InlineData(3 * TorchThreads.ChunkLength + 5)]   // whole chunks and a short last one
    public void ChunksCoverEveryElementOnceInOrder(int length)
    {
        var chunks = TorchThreads.Chunks(length).ToList();
        Assert.Equal(Enumerable.Range(0, length), chunks.SelectMany(c => Enumerable.Range(c.Start, c.Count)));
        Assert.All(chunks, c => Assert.InRange(c.Count, 1, TorchThreads.ChunkLength));
        var visits = new int[length];
        TorchThreads.ForChunks(length, (start, count) => { for (int i = start; i < start + count; i++) Interlocked.Increment(ref visits[i]); });
        Assert.All(visits, v => Assert.Equal(1, v));
    }

    [Fact]
    public void RethrowsAWorkersExceptionOnTheCallingThread()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TorchThreads.Run(4, w =>
        {
            if (w == 3) throw new InvalidOperationException("worker 3");
        }));
        Assert.Equal("worker 3", error.Message);
        int after = 0;
        TorchThreads.Run(2, _ => Interlocked.Increment(ref after)); // the team is usable afterwards
        Assert.Equal(2, after);
    }
}
