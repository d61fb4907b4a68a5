using JoMA.Engine.Checkpoints;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// GPT-NeoX (Pythia) forward pass, SCIENCE.md §5: fused per-head QKV viewed as [heads, 3, head_dim];
/// rotate-half rotary on the first int(head_dim·rotary_pct) dims of q and k; scores / √head_dim;
/// parallel (h + attn + MLP(LN2 h)) or sequential residual; exact-erf GELU; final_layer_norm; embed_out.
/// </summary>
public sealed class GptNeoXModel : CausalLanguageModel
{
    public GptNeoXModel(CheckpointWeights weights) : base(weights)
    {
        if (weights.Config.Architecture != CheckpointArchitecture.GptNeoX)
            throw JomaException.Argument("ModelArchitectureMismatch", $"GptNeoXModel needs gpt_neox weights, not {weights.Config.ModelType}.");
    }

    protected override Tensor Embed(Tensor ids) => W("embed_in.weight").index_select(0, ids);

    internal override Tensor DecoderLayer(int layer, Tensor x, AttentionCapture capture)
    {
        var c = Config;
        var p = $"layers.{layer}.";
        int hd = c.HeadDim;
        var attnIn = LayerNorm(x, W(p + "input_layernorm.weight"), W(p + "input_layernorm.bias"), c.LayerNormEpsilon);
        // [T, 3H] viewed per head as [heads, T, 3·hd]: each head's q, k, v are adjacent (not three H blocks).
        var qkv = CausalAttention.SplitHeads(Linear(attnIn, W(p + "attention.query_key_value.weight"), W(p + "attention.query_key_value.bias")), c.Heads);
        var q = qkv.narrow(-1, 0, hd);
        var k = qkv.narrow(-1, hd, hd);
        var v = qkv.narrow(-1, 2 * hd, hd);
        if (c.RotaryDims > 0)
        {
            var (cos, sin) = RotaryTables(x.shape[0]);
            q = ApplyRotary(q, cos, sin);
            k = ApplyRotary(k, cos, sin);
        }
        var context = CausalAttention.Attend(q, k, v, Math.Sqrt(hd), capture);          // scores / √head_dim, [heads, T, hd]
        var attention = Linear(CausalAttention.MergeHeads(context), W(p + "attention.dense.weight"), W(p + "attention.dense.bias"));
        if (c.UseParallelResidual) return x + attention + Mlp(p, x);
        var afterAttention = x + attention;
        return afterAttention + Mlp(p, afterAttention);
    }

    Tensor Mlp(string p, Tensor x)
    {
        var h = LayerNorm(x, W(p + "post_attention_layernorm.weight"), W(p + "post_attention_layernorm.bias"), Config.LayerNormEpsilon);
        h = nn.functional.gelu(Linear(h, W(p + "mlp.dense_h_to_4h.weight"), W(p + "mlp.dense_h_to_4h.bias"))); // exact erf form
        return Linear(h, W(p + "mlp.dense_4h_to_h.weight"), W(p + "mlp.dense_4h_to_h.bias"));
    }

    /// <summary>
    /// cos/sin [T, rotary_dims] as Hugging Face builds them in float32: inv_freq = 1 / base^(2i/r),
    /// angles = position ⊗ inv_freq, duplicated (cat(freqs, freqs)) for rotate-half.
    /// </summary>
    (Tensor Cos, Tensor Sin) RotaryTables(long tokens)
    {
        int r = Config.RotaryDims;
        var invFreq = 1.0f / pow(tensor((float)Config.RotaryEmbeddingBase, device: Device), arange(0, r, 2, ScalarType.Int64, device: Device).to_type(ScalarType.Float32) / r);
        var positions = arange(tokens, ScalarType.Float32, device: Device);
        var freqs = outer(positions, invFreq);
        var angles = cat([freqs, freqs], -1);
        return (angles.cos(), angles.sin());
    }

    /// <summary>x [heads, T, hd]: rotate the first rotary_dims dims (halves, not interleaved), pass the rest.</summary>
    Tensor ApplyRotary(Tensor x, Tensor cos, Tensor sin)
    {
        int r = Config.RotaryDims;
        var rotary = x.narrow(-1, 0, r);
        var pass = x.narrow(-1, r, x.shape[^1] - r);
        var first = rotary.narrow(-1, 0, r / 2);
        var second = rotary.narrow(-1, r / 2, r - r / 2);
        var rotatedHalf = cat([-second, first], -1);
        return cat([rotary * cos + rotatedHalf * sin, pass], -1);
    }

    protected override Tensor Final(Tensor x) => LayerNorm(x, W("final_layer_norm.weight"), W("final_layer_norm.bias"), Config.LayerNormEpsilon);

    protected override Tensor Unembed(Tensor x) => Linear(x, W("embed_out.weight"));
}
