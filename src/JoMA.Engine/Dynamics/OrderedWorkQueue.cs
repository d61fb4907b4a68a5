using System.Collections.Concurrent;

namespace JoMA.Engine.Dynamics;

/// <summary>
/// Runs jobs in parallel and hands their outputs back in input order, streaming: the oldest job's items
/// are taken as it produces them while later jobs run ahead into bounded buffers. This is what lets
/// `$grid | Invoke-JomaDynamics` use every core and still write results in the order they came in.
/// Jobs run on a fixed set of dedicated threads, not one thread-pool task each: a solve takes ~0.1 ms, and
/// per-job task scheduling (and idle pool threads spinning for work) would cost as much as the solves on a
/// small machine. The consumer (the pipeline thread) is the only caller of Enqueue/Take*.
/// </summary>
public sealed class OrderedWorkQueue<T> : IDisposable
{
    sealed class Job(Action<Action<T>, CancellationToken> work, int bufferCapacity)
    {
        public Action<Action<T>, CancellationToken> Work { get; } = work;
        public BlockingCollection<T> Items { get; } = new(bufferCapacity);
        public Exception? Error { get; set; }
    }

    readonly Queue<Job> inOrder = new();
    readonly BlockingCollection<Job> pending = new();
    readonly List<Thread> workers = new();
    readonly CancellationTokenSource cancellation;
    readonly int parallelism, window, bufferCapacity;

    public OrderedWorkQueue(int parallelism, CancellationToken cancellation, int bufferCapacity = 4096)
    {
        this.parallelism = Math.Max(1, parallelism);
        window = 16 * this.parallelism; // finished jobs wait in small buffers while the oldest is written
        this.bufferCapacity = bufferCapacity;
        this.cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
    }

    public CancellationToken Token => cancellation.Token;

    /// <summary>Queues <paramref name="work"/>; it reports items through the callback it is given.</summary>
    public void Enqueue(Action<Action<T>, CancellationToken> work)
    {
        var job = new Job(work, bufferCapacity);
        inOrder.Enqueue(job);
        pending.Add(job);
        // Threads start as work arrives: a single system never starts more than one.
        if (workers.Count < parallelism && workers.Count < inOrder.Count)
        {
            var worker = new Thread(RunJobs) { IsBackground = true, Name = $"JoMA worker {workers.Count + 1}" };
            workers.Add(worker);
            worker.Start();
        }
    }

    void RunJobs()
    {
        var token = cancellation.Token;
        try
        {
            foreach (var job in pending.GetConsumingEnumerable(token))
            {
                try { job.Work(item => job.Items.Add(item, token), token); }
                catch (Exception e) { job.Error = e; }
                finally { job.Items.CompleteAdding(); }
            }
        }
        catch (OperationCanceledException) { }
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
        while (inOrder.Count > 0)
        {
            var head = inOrder.Peek();
            if (inOrder.Count > untilCount)
            {
                foreach (var item in head.Items.GetConsumingEnumerable(cancellation.Token)) yield return item;
            }
            else
            {
                while (head.Items.TryTake(out var item)) yield return item;
                if (!head.Items.IsCompleted) yield break;
            }
            inOrder.Dequeue();
            if (head.Error is not null) onError(head.Error);
        }
    }

    public void Cancel() => cancellation.Cancel();

    public void Dispose()
    {
        cancellation.Cancel();
        pending.CompleteAdding();
        foreach (var worker in workers) worker.Join(TimeSpan.FromSeconds(5));
        pending.Dispose();
        cancellation.Dispose();
    }
}
