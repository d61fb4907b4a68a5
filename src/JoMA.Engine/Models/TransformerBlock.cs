using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// One encoder layer as nn.TransformerEncoderLayer computes it, with the hand-written attention:
/// post-LN (the reference) x = LN1(x + Drop(Attn(x))); x = LN2(x + Drop(W2 Drop(act(W1 x)))),
/// or pre-LN x = x + Drop(Attn(LN1 x)); x = x + Drop(W2 Drop(act(W1 LN2 x))).
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    readonly CausalSelfAttention self_attn;
    readonly Linear linear1, linear2;
    readonly LayerNorm norm1, norm2;
    readonly CounterDropout dropout, dropout1, dropout2;
    readonly bool preLayerNorm;
    readonly FeedForwardActivation activation;

    public TransformerBlock(string name, TransformerOptions options) : base(name)
    {
        self_attn = new CausalSelfAttention("self_attn", options.ModelDimension, options.Heads, options.Dropout);
        linear1 = nn.Linear(options.ModelDimension, options.FeedForwardDimension);
        linear2 = nn.Linear(options.FeedForwardDimension, options.ModelDimension);
        norm1 = nn.LayerNorm(options.ModelDimension);
        norm2 = nn.LayerNorm(options.ModelDimension);
        dropout = new CounterDropout(options.Dropout);
        dropout1 = new CounterDropout(options.Dropout);
        dropout2 = new CounterDropout(options.Dropout);
        preLayerNorm = options.PreLayerNorm;
        activation = options.Activation;
        RegisterComponents();
    }

    public CausalSelfAttention Attention => self_attn;

    /// <summary>The lower MLP weight W1 [FFN, d], whose stable rank the paper tracks.</summary>
    public Tensor LowerMlpWeight => linear1.weight!;

    /// <summary>The attention probabilities [B, H, T, T] this block computes for input <paramref name="x"/> [T, B, d], and nothing more.</summary>
    public Tensor AttentionProbabilities(Tensor x) => self_attn.Probabilities(preLayerNorm ? norm1.forward(x) : x);

    /// <param name="x">[T, B, d]</param>
    public override Tensor forward(Tensor x)
    {
        if (preLayerNorm)
        {
            x = x + dropout1.forward(self_attn.forward(norm1.forward(x)));
            return x + dropout2.forward(FeedForward(norm2.forward(x)));
        }
        x = norm1.forward(x + dropout1.forward(self_attn.forward(x)));
        return norm2.forward(x + dropout2.forward(FeedForward(x)));
    }

    Tensor FeedForward(Tensor x)
    {
        var hidden = linear1.forward(x);
        hidden = activation == FeedForwardActivation.Gelu ? nn.functional.gelu(hidden) : nn.functional.relu(hidden);
        return linear2.forward(dropout.forward(hidden));
    }
}
