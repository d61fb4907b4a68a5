using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Tests.Dynamics;

public class OrderedWorkQueueTests
{
    [Fact]
    public void ItemsComeBackInInputOrderWhileJobsRunInParallel()
    {
        using var queue = new OrderedWorkQueue<(int Job, int Item)>(parallelism: 4, CancellationToken.None);
        var taken = new List<(int Job, int Item)>();
        var threads = new HashSet<int>();
        for (int job = 0; job < 200; job++)
        {
            int id = job;
            queue.Enqueue((report, _) =>
            {
                lock (threads) threads.Add(Environment.CurrentManagedThreadId);
                Thread.SpinWait((200 - id) * 200); // early jobs take longest, so later ones finish first
                for (int item = 0; item < 3; item++) report((id, item));
            });
            taken.AddRange(queue.TakeReady(e => throw e));
        }
        taken.AddRange(queue.TakeAll(e => throw e));
        Assert.Equal(Enumerable.Range(0, 200).SelectMany(j => Enumerable.Range(0, 3).Select(i => (j, i))), taken);
        Assert.InRange(threads.Count, 1, 4);
    }

    [Fact]
    public void AFailedJobIsReportedAndTheRestContinue()
    {
        using var queue = new OrderedWorkQueue<int>(parallelism: 2, CancellationToken.None);
        for (int job = 0; job < 5; job++)
        {
            int id = job;
            queue.Enqueue((report, _) =>
            {
                report(id);
                if (id == 2) throw new InvalidOperationException("job 2 failed");
            });
        }
        var errors = new List<Exception>();
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, queue.TakeAll(errors.Add).ToArray());
        Assert.Equal("job 2 failed", Assert.Single(errors).Message);
    }

    [Fact]
    public void AJobLongerThanItsBufferStreamsThroughIt()
    {
        using var queue = new OrderedWorkQueue<int>(parallelism: 2, CancellationToken.None, bufferCapacity: 4);
        queue.Enqueue((report, _) => { for (int i = 0; i < 10_000; i++) report(i); });
        queue.Enqueue((report, _) => report(-1));
        var taken = queue.TakeAll(e => throw e).ToArray();
        Assert.Equal(Enumerable.Range(0, 10_000).Append(-1), taken);
    }

    [Fact]
    public void CancelStopsRunningJobs()
    {
        using var queue = new OrderedWorkQueue<int>(parallelism: 2, CancellationToken.None);
        var started = new ManualResetEventSlim();
        queue.Enqueue((report, token) => { started.Set(); while (true) { token.ThrowIfCancellationRequested(); report(0); } });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        queue.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => queue.TakeAll(_ => { }).Count());
    }
}
