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
        Tensor Heads(Tensor y) => y.reshape(t, b * heads, headDimension).transpose(0, 1); // [B·H, T, hd]
        var q = Heads(chunks[0]) / Math.Sqrt(headDimension);
        var k = Heads(chunks[1]);
        var v = Heads(chunks[2]);
        var probabilities = CausalAttention.CausalSoftmax(q.matmul(k.transpose(1, 2)));  // [B·H, T, T]
        if (CaptureProbabilities)
        {
            LastProbabilities?.Dispose();
            LastProbabilities = probabilities.detach().reshape(b, heads, t, t).MoveToOuterDisposeScope();
        }
        var context = dropout.forward(probabilities).matmul(v);                    // [B·H, T, hd]
        context = context.transpose(0, 1).reshape(t, b, d);                        // [T, B, d]
        return out_proj.forward(context);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) LastProbabilities?.Dispose();
        base.Dispose(disposing);
    }
}
