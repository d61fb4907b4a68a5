using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// Multi-head causal self-attention written out by hand, because TorchSharp's MultiheadAttention does not
/// expose per-head probabilities. Same parameters and initialisation as nn.MultiheadAttention: a packed
/// in-projection [3d, d] (xavier-uniform, zero bias) and an out-projection with zero bias.
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    readonly Parameter in_proj_weight, in_proj_bias;
    readonly Linear out_proj;
    readonly CounterDropout dropout;
    readonly int heads, headDimension;

    public CausalSelfAttention(string name, int modelDimension, int heads, double dropout) : base(name)
    {
        this.heads = heads;
        headDimension = modelDimension / heads;
        in_proj_weight = nn.Parameter(empty(3 * modelDimension, modelDimension));
        in_proj_bias = nn.Parameter(zeros(3 * modelDimension));
        nn.init.xavier_uniform_(in_proj_weight);
        out_proj = nn.Linear(modelDimension, modelDimension);
        nn.init.zeros_(out_proj.bias!);
        this.dropout = new CounterDropout(dropout);
        RegisterComponents();
    }

    /// <summary>When set, the next forward passes keep their attention probabilities [B, H, T, T] here (detached).</summary>
    public bool CaptureProbabilities { get; set; }
    public Tensor? LastProbabilities { get; private set; }

    /// <param name="x">[T, B, d] (sequence first, as the reference)</param>
    public override Tensor forward(Tensor x)
    {
        long t = x.shape[0], b = x.shape[1], d = x.shape[2];
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias);          // [T, B, 3d]
        var chunks = qkv.chunk(3, dim: -1);
        var probabilities = Softmax(chunks[0], chunks[1], t, b);                   // [B·H, T, T]
        var v = Heads(chunks[2], t, b);
        if (CaptureProbabilities)
        {
            LastProbabilities?.Dispose();
            LastProbabilities = probabilities.detach().reshape(b, heads, t, t).MoveToOuterDisposeScope();
        }
        var context = dropout.forward(probabilities).matmul(v);                    // [B·H, T, hd]
        context = context.transpose(0, 1).reshape(t, b, d);                        // [T, B, d]
        return out_proj.forward(context);
    }

    /// <summary>
    /// The attention probabilities alone, from the query and key rows of the in-projection (no values, no output
    /// projection): what measuring attention needs, at a third of the layer's work.
    /// </summary>
    /// <param name="x">[T, B, d]</param>
    /// <returns>[B, H, T, T]</returns>
    public Tensor Probabilities(Tensor x)
    {
        long t = x.shape[0], b = x.shape[1], d = x.shape[2];
        var qk = nn.functional.linear(x, in_proj_weight.narrow(0, 0, 2 * d), in_proj_bias.narrow(0, 0, 2 * d)); // [T, B, 2d]
        var chunks = qk.chunk(2, dim: -1);
        return Softmax(chunks[0], chunks[1], t, b).reshape(b, heads, t, t);
    }

    /// <summary>[T, B, d] → [B·H, T, hd].</summary>
    Tensor Heads(Tensor y, long t, long b) => y.reshape(t, b * heads, headDimension).transpose(0, 1);

    /// <summary>softmax(q kᵀ / √hd), causal, from the query and key parts [T, B, d] of the in-projection: [B·H, T, T].</summary>
    Tensor Softmax(Tensor queries, Tensor keys, long t, long b)
    {
        var q = Heads(queries, t, b) / Math.Sqrt(headDimension);
        var k = Heads(keys, t, b);
        return CausalAttention.CausalSoftmax(q.matmul(k.transpose(1, 2)));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) LastProbabilities?.Dispose();
        base.Dispose(disposing);
    }
}
