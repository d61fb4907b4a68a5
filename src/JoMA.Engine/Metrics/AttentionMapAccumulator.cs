using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Metrics;

/// <summary>
/// Accumulates the sparsity statistics of one layer's causal attention maps over any number of batches or
/// windows, on the maps' own device, keeping only sums: so a whole validation split, or a 2048-token window
/// of a large model, is measured without holding its maps. Entropy is the paper's −Σ p ln(p + 1e−8).
/// </summary>
public sealed class AttentionMapAccumulator
{
    readonly AttentionRowStatistics.Accumulator headAveraged = new();
    readonly AttentionRowStatistics.Accumulator[] perHead;

    public AttentionMapAccumulator(int layer, int heads)
    {
        Layer = layer;
        perHead = Enumerable.Range(0, heads).Select(_ => new AttentionRowStatistics.Accumulator()).ToArray();
    }

    public int Layer { get; }

    /// <param name="probabilities">[heads, T, T] or [B, heads, T, T], causal (row q has q + 1 keys).</param>
    public void Add(Tensor probabilities)
    {
        using var scope = NewDisposeScope();
        var p = probabilities.dim() == 3 ? probabilities.unsqueeze(0) : probabilities; // [B, H, T, T]
        long batch = p.shape[0], heads = p.shape[1], t = p.shape[2];
        if (heads != perHead.Length) throw new ArgumentException($"Expected {perHead.Length} heads, got {heads}.");
        // Head by head, so the float64 temporaries are [B, T, T], not [B, H, T, T] (a 2048-token, 8-head map would need 1 GB more).
        var partial = new List<Tensor>(2 * (int)heads + 2);
        var headTop = new List<Tensor>((int)heads);
        for (long h = 0; h < heads; h++)
        {
            using var headScope = NewDisposeScope();
            var map = p.select(1, h);                                                    // [B, T, T]
            partial.Add(RowEntropy(map).sum().MoveToOuterDisposeScope());
            headTop.Add(map.amax(new long[] { -1 }).sum().MoveToOuterDisposeScope());
        }
        partial.AddRange(headTop);
        using (var averageScope = NewDisposeScope())
        {
            var average = p.mean(new long[] { 1 });                                      // [B, T, T] head-averaged rows
            partial.Add(RowEntropy(average).sum().MoveToOuterDisposeScope());
            partial.Add(average.amax(new long[] { -1 }).sum().MoveToOuterDisposeScope());
        }
        // Per head: Σ over batch and queries of H(row), then of max(row); head-averaged: the same two sums.
        var sums = stack(partial.Select(x => x.to_type(ScalarType.Float64)).ToArray())
            .cpu().data<double>().ToArray();                                              // one transfer
        double maxEntropy = batch * CausalMaxEntropySum(t);
        long rows = batch * t;
        for (int h = 0; h < heads; h++) perHead[h].AddSums(sums[h], maxEntropy, sums[heads + h], rows);
        headAveraged.AddSums(sums[2 * heads], maxEntropy, sums[2 * heads + 1], rows);
    }

    public LayerAttentionStatistics Result() =>
        new(Layer, headAveraged.Result(), perHead.Select(a => a.Result()).ToArray());

    /// <summary>−Σ_k p ln(p + 1e−8) over the last dimension, in float64.</summary>
    static Tensor RowEntropy(Tensor p)
    {
        var p64 = p.to_type(ScalarType.Float64);
        return (p64 + AttentionEntropy.Epsilon).log_().mul_(p64).sum(-1).neg_(); // in place: two T² float64 buffers, not five
    }

    /// <summary>Σ_{q=1..T} ln q: the summed maximum entropy of the T causal rows of one map.</summary>
    public static double CausalMaxEntropySum(long t)
    {
        double sum = 0;
        for (long q = 1; q <= t; q++) sum += Math.Log(q);
        return sum;
    }
}
