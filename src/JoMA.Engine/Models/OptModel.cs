using JoMA.Engine.Checkpoints;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// OPT forward pass, SCIENCE.md §5: token embedding (then project_in when word_embed_proj_dim ≠ hidden)
/// plus learned positions at position + 2; pre-LN layers with a final_layer_norm, or (do_layer_norm_before
/// false, the 350m layout) LayerNorm after each residual add and no final norm; q scaled by head_dim^−½
/// after projection; ReLU MLP; project_out before the lm_head (tied to embed_tokens when absent).
/// </summary>
public sealed class OptModel : CausalLanguageModel
{
    public OptModel(CheckpointWeights weights) : base(weights)
    {
        if (weights.Config.Architecture != CheckpointArchitecture.Opt)
            throw JomaException.Argument("ModelArchitectureMismatch", $"OptModel needs opt weights, not {weights.Config.ModelType}.");
    }

    protected override Tensor Embed(Tensor ids)
    {
        var tokens = W("embed_tokens.weight").index_select(0, ids); // [T, word_embed_proj_dim]
        if (Config.HasProjection) tokens = Linear(tokens, W("project_in.weight")); // [T, hidden]
        var positions = arange(ids.shape[0], ScalarType.Int64, device: Device) + CheckpointTensorLayout.OptPositionOffset;
        return tokens + W("embed_positions.weight").index_select(0, positions);
    }

    internal override Tensor DecoderLayer(int layer, Tensor x, AttentionCapture capture)
    {
        var c = Config;
        var p = $"layers.{layer}.";
        bool preNorm = c.DoLayerNormBefore;
        var h = preNorm ? Norm(p + "self_attn_layer_norm", x) : x;
        var q = CausalAttention.SplitHeads(Linear(h, W(p + "self_attn.q_proj.weight"), W(p + "self_attn.q_proj.bias")) * Math.Pow(c.HeadDim, -0.5), c.Heads);
        var k = CausalAttention.SplitHeads(Linear(h, W(p + "self_attn.k_proj.weight"), W(p + "self_attn.k_proj.bias")), c.Heads);
        var v = CausalAttention.SplitHeads(Linear(h, W(p + "self_attn.v_proj.weight"), W(p + "self_attn.v_proj.bias")), c.Heads);
        var context = CausalAttention.Attend(q, k, v, 1, capture);                    // q is already scaled, [heads, T, hd]
        var attention = Linear(CausalAttention.MergeHeads(context), W(p + "self_attn.out_proj.weight"), W(p + "self_attn.out_proj.bias"));
        x = x + attention;
        if (!preNorm) x = Norm(p + "self_attn_layer_norm", x);
        h = preNorm ? Norm(p + "final_layer_norm", x) : x;
        h = Linear(nn.functional.relu(Linear(h, W(p + "fc1.weight"), W(p + "fc1.bias"))), W(p + "fc2.weight"), W(p + "fc2.bias"));
        x = x + h;
        if (!preNorm) x = Norm(p + "final_layer_norm", x);
        return x;
    }

    protected override Tensor Final(Tensor x)
    {
        if (Config.HasFinalLayerNorm) x = Norm("final_layer_norm", x);
        if (Config.HasProjection) x = Linear(x, W("project_out.weight")); // [T, word_embed_proj_dim]
        return x;
    }

    protected override Tensor Unembed(Tensor x) => Linear(x, W("lm_head.weight"));

    Tensor Norm(string name, Tensor x) => LayerNorm(x, W(name + ".weight"), W(name + ".bias"), Config.LayerNormEpsilon);
}
