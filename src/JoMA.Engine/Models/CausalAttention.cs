using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>The attention math both architectures share: head split/merge, causal softmax, entropies.</summary>
internal static class CausalAttention
{
    /// <summary>[T, heads·hd] → [heads, T, hd].</summary>
    public static Tensor SplitHeads(Tensor x, int heads) => x.view(x.shape[0], heads, -1).permute(1, 0, 2);

    /// <summary>[heads, T, hd] → [T, heads·hd].</summary>
    public static Tensor MergeHeads(Tensor x) => x.permute(1, 0, 2).reshape(x.shape[1], -1);

    /// <summary>
    /// softmax over keys of scores [heads, T, T] with keys after the query masked out (their probability is exactly 0).
    /// The mask is written into <paramref name="scores"/> in place (callers pass a temporary): at 2048 tokens each [heads, T, T] copy is 128 MB.
    /// </summary>
    public static Tensor CausalSoftmax(Tensor scores)
    {
        long t = scores.shape[^1];
        using var future = ones(t, t, ScalarType.Bool, device: scores.device).triu(1); // on the scores' device (CUDA too)
        return scores.masked_fill_(future, double.NegativeInfinity).softmax(-1);
    }

    /// <summary>
    /// softmax(q kᵀ / <paramref name="scoreDivisor"/>, causal) v for q, k, v [heads, T, hd] → [heads, T, hd], handing the
    /// probabilities to <paramref name="capture"/>: whole, or block by block of query rows. A block of rows s…s+r−1 only
    /// needs keys 0…s+r−1, so blocks also skip the masked upper triangle's work.
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, double scoreDivisor, AttentionCapture capture)
    {
        long t = q.shape[1];
        if (capture.QueryBlockRows is not { } rows || rows >= t)
        {
            var scores = q.matmul(k.transpose(-1, -2));                                 // [heads, T, T]
            if (scoreDivisor != 1) scores.div_(scoreDivisor);                          // in place: one T² buffer fewer
            var probabilities = CausalSoftmax(scores);
            if (capture.OnBlock is { } whole) whole(0, probabilities);
            else capture.Probabilities = probabilities;
            return probabilities.matmul(v);
        }
        var contexts = new List<Tensor>();
        for (long first = 0; first < t; first += rows)
        {
            using var blockScope = NewDisposeScope();
            long r = Math.Min(rows, t - first), keys = first + r;
            var scores = q.narrow(1, first, r).matmul(k.narrow(1, 0, keys).transpose(-1, -2)); // [heads, r, keys]
            if (scoreDivisor != 1) scores.div_(scoreDivisor);
            using var future = arange(keys, device: scores.device).unsqueeze(0) > arange(first, keys, device: scores.device).unsqueeze(1); // key after query
            var probabilities = scores.masked_fill_(future, double.NegativeInfinity).softmax(-1);
            capture.OnBlock!(first, probabilities);
            contexts.Add(probabilities.matmul(v.narrow(1, 0, keys)).MoveToOuterDisposeScope()); // [heads, r, hd]
        }
        return cat(contexts, 1);
    }

    /// <summary>Mean over queries of −Σ p ln p per head (float64; 0 ln 0 = 0).</summary>
    public static double[] EntropyPerHead(Tensor probabilities)
    {
        using var scope = NewDisposeScope();
        var p = probabilities.to_type(ScalarType.Float64);
        var terms = where(p > 0, -p * p.clamp_min(double.Epsilon).log(), zeros_like(p));
        return terms.sum(-1).mean([-1L]).cpu().data<double>().ToArray();   // .cpu(): data<T>() reads CPU memory only
    }
}
