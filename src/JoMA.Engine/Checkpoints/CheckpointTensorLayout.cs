namespace JoMA.Engine.Checkpoints;

/// <summary>
/// The tensors an architecture needs, under canonical names (the Hugging Face names without the base
/// prefix: "layers.0.attention.query_key_value.weight", "embed_tokens.weight", "lm_head.weight"), with
/// the shapes config.json implies; and the mapping from stored keys (with or without
/// <c>gpt_neox.</c> / <c>model.decoder.</c> / <c>model.</c> / <c>decoder.</c>) onto them.
/// </summary>
public sealed class CheckpointTensorLayout
{
    /// <summary>Buffers older exports carry that the forward pass recomputes; ignored when present.</summary>
    static readonly string[] StaleBufferSuffixes = [".attention.bias", ".attention.masked_bias", ".rotary_emb.inv_freq"];

    readonly Dictionary<string, long[]> expected = new(StringComparer.Ordinal);

    public CheckpointTensorLayout(CheckpointConfig config)
    {
        Config = config;
        long h = config.HiddenSize, v = config.VocabSize, f = config.IntermediateSize;
        if (config.Architecture == CheckpointArchitecture.GptNeoX)
        {
            Add("embed_in.weight", v, h);
            for (int l = 0; l < config.Layers; l++)
            {
                var p = $"layers.{l}.";
                AddLayerNorm(p + "input_layernorm", h);
                AddLayerNorm(p + "post_attention_layernorm", h);
                AddLinear(p + "attention.query_key_value", 3 * h, h);
                AddLinear(p + "attention.dense", h, h);
                AddLinear(p + "mlp.dense_h_to_4h", f, h);
                AddLinear(p + "mlp.dense_4h_to_h", h, f);
            }
            AddLayerNorm("final_layer_norm", h);
            Add(OutputEmbeddingName, v, h);
        }
        else
        {
            long e = config.WordEmbedProjectionDim;
            Add("embed_tokens.weight", v, e);
            Add("embed_positions.weight", config.MaxPositionEmbeddings + OptPositionOffset, h);
            if (config.HasProjection)
            {
                Add("project_in.weight", h, e);
                Add("project_out.weight", e, h);
            }
            for (int l = 0; l < config.Layers; l++)
            {
                var p = $"layers.{l}.";
                foreach (var proj in new[] { "q_proj", "k_proj", "v_proj", "out_proj" }) AddLinear(p + "self_attn." + proj, h, h);
                AddLayerNorm(p + "self_attn_layer_norm", h);
                AddLinear(p + "fc1", f, h);
                AddLinear(p + "fc2", h, f);
                AddLayerNorm(p + "final_layer_norm", h);
            }
            if (config.HasFinalLayerNorm) AddLayerNorm("final_layer_norm", h);
            Add(OutputEmbeddingName, v, e);
        }
    }

    /// <summary>OPT's learned positions are indexed at position + 2 (a fairseq leftover).</summary>
    public const int OptPositionOffset = 2;

    public CheckpointConfig Config { get; }

    /// <summary>Canonical names and shapes, in a stable order.</summary>
    public IReadOnlyDictionary<string, long[]> Expected => expected;

    /// <summary>"embed_out.weight" (GPT-NeoX) or "lm_head.weight" (OPT).</summary>
    public string OutputEmbeddingName => Config.Architecture == CheckpointArchitecture.GptNeoX ? "embed_out.weight" : "lm_head.weight";

    /// <summary>The input embedding the output embedding is tied to when a checkpoint omits it.</summary>
    public string InputEmbeddingName => Config.Architecture == CheckpointArchitecture.GptNeoX ? "embed_in.weight" : "embed_tokens.weight";

    /// <summary>Whether a missing output embedding is tied to the input embedding (OPT always; GPT-NeoX when tie_word_embeddings).</summary>
    public bool OutputMayBeTied => Config.Architecture == CheckpointArchitecture.Opt || Config.TieWordEmbeddings;

    /// <summary>Parameter count: every expected tensor once (a tied output embedding counts once).</summary>
    public long ParameterCount => expected.Where(kv => !(OutputMayBeTied && kv.Key == OutputEmbeddingName))
        .Sum(kv => kv.Value.Aggregate(1L, (a, b) => a * b));

    public static bool IsStaleBuffer(string key) => StaleBufferSuffixes.Any(s => key.EndsWith(s, StringComparison.Ordinal));

    /// <summary>The canonical name a stored key maps to, or null when the key is not part of the model.</summary>
    public string? Canonical(string key)
    {
        foreach (var prefix in Config.Architecture == CheckpointArchitecture.GptNeoX
                     ? new[] { "gpt_neox.", "" }
                     : new[] { "model.decoder.", "model.", "decoder.", "" })
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var name = key[prefix.Length..];
            if (expected.ContainsKey(name)) return name;
        }
        return null;
    }

    void Add(string name, params long[] shape) => expected[name] = shape;
    void AddLinear(string name, long outFeatures, long inFeatures) { Add(name + ".weight", outFeatures, inFeatures); Add(name + ".bias", outFeatures); }
    void AddLayerNorm(string name, long size) { Add(name + ".weight", size); Add(name + ".bias", size); }
}
