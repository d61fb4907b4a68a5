using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// One block of the authors' hierarchical model: causal attention with bias-free Q/K/V and no output
/// projection, then out = LN(attn·V + x), hidden = ReLU(W1 out), out2 = LN(W2 hidden + out).
/// </summary>
public sealed class HierarchicalBlock : nn.Module<Tensor, Tensor>
{
    readonly Linear query, key, value, w1, w2;
    readonly LayerNorm ln, ln2;
    readonly int heads, headDimension;

    public HierarchicalBlock(string name, HierarchicalModelOptions options) : base(name)
    {
        int d = options.ModelDimension;
        heads = options.Heads;
        headDimension = d / heads;
        query = nn.Linear(d, d, hasBias: false);
        key = nn.Linear(d, d, hasBias: false);
        value = nn.Linear(d, d, hasBias: false);
        w1 = nn.Linear(d, options.FeedForwardDimension);
        w2 = nn.Linear(options.FeedForwardDimension, d);
        ln = nn.LayerNorm(d);
        ln2 = nn.LayerNorm(d);
        RegisterComponents();
    }

    /// <param name="x">[B, L, d]</param>
    public override Tensor forward(Tensor x) => Forward(x).Output;

    /// <summary>The block's output [B, L, d] and its post-ReLU hidden [B, L, F] (what the alignment metric reads).</summary>
    public (Tensor Output, Tensor Hidden) Forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1], d = x.shape[2];
        Tensor Heads(Tensor y) => y.view(b, t, heads, headDimension).transpose(1, 2);       // [B, H, L, hd]
        var q = Heads(query.forward(x));
        var k = Heads(key.forward(x));
        var v = Heads(value.forward(x));
        var scores = q.matmul(k.transpose(2, 3)) / Math.Sqrt(headDimension);                  // [B, H, L, L]
        using var future = ones(t, t, ScalarType.Bool, device: x.device).triu(1);
        var attention = scores.masked_fill(future, double.NegativeInfinity).softmax(-1);
        var context = attention.matmul(v).transpose(1, 2).reshape(b, t, d);                  // [B, L, d]
        var output = ln.forward(context + x);
        var hidden = nn.functional.relu(w1.forward(output));                                  // [B, L, F]
        return (ln2.forward(w2.forward(hidden) + output), hidden);
    }
}
