using System.Collections.Concurrent;

namespace JoMA.Engine.Dynamics;

/// <summary>
/// Runs jobs in parallel and hands their outputs back in input order, streaming: the oldest job's items
/// are taken as it produces them while later jobs run ahead into bounded buffers. This is what lets
/// `$grid | Invoke-JomaDynamics` use every core and still write results in the order they came in.
/// The consumer (the pipeline thread) is the only caller of Enqueue/Take*.
/// </summary>
public sealed class OrderedWorkQueue<T> : IDisposable
{
    sealed class Job
    {
        public required BlockingCollection<T> Items { get; init; }
        public required Task Task { get; init; }
        public Exception? Error { get; set; }
    }

    readonly Queue<Job> jobs = new();
    readonly SemaphoreSlim slots;
    readonly CancellationTokenSource cancellation;
    readonly int window, bufferCapacity;

    public OrderedWorkQueue(int parallelism, CancellationToken cancellation, int bufferCapacity = 4096)
    {
        parallelism = Math.Max(1, parallelism);
        slots = new SemaphoreSlim(parallelism);
        window = 16 * parallelism; // finished jobs wait in small buffers while the oldest is written
        this.bufferCapacity = bufferCapacity;
        this.cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    }

    public CancellationToken Token => cancellation.Token;

    /// <summary>Starts <paramref name="work"/> on the thread pool; it reports items through the callback it is given.</summary>
    public void Enqueue(Action<Action<T>, CancellationToken> work)
    {
        var items = new BlockingCollection<T>(bufferCapacity);
        Job? job = null;
        var token = cancellation.Token;
        var task = Task.Run(() =>
        {
            slots.Wait(token);
            try { work(item => items.Add(item, token), token); }
            catch (Exception e) { job!.Error = e; }
            finally { slots.Release(); items.CompleteAdding(); }
        }, token);
        job = new Job { Items = items, Task = task };
        jobs.Enqueue(job);
    }

    /// <summary>
    /// Items ready now, in order; blocks on the oldest jobs only while more than the window are in flight.
    /// A failed job yields its exception through <paramref name="onError"/> and the next job continues.
    /// </summary>
    public IEnumerable<T> TakeReady(Action<Exception> onError) => Take(onError, untilCount: window);

    /// <summary>Every remaining item, in order, blocking until all jobs are done.</summary>
    public IEnumerable<T> TakeAll(Action<Exception> onError) => Take(onError, untilCount: 0);

    IEnumerable<T> Take(Action<Exception> onError, int untilCount)
    {
        while (jobs.Count > 0)
        {
            var head = jobs.Peek();
            bool mustFinish = jobs.Count > untilCount;
            if (mustFinish)
            {
                foreach (var item in head.Items.GetConsumingEnumerable(cancellation.Token)) yield return item;
            }
            else
            {
                while (head.Items.TryTake(out var item)) yield return item;
                if (!head.Items.IsCompleted) yield break;
            }
            jobs.Dequeue();
            try { head.Task.Wait(cancellation.Token); }
            catch (AggregateException) { }
            if (head.Error is not null) onError(head.Error);
        }
    }

    public void Cancel() => cancellation.Cancel();

    public void Dispose()
    {
        cancellation.Cancel();
        foreach (var job in jobs)
            try { job.Task.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        cancellation.Dispose();
    }
}
