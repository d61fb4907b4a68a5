using System.Text.Json;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// The config.json fields the GPT-NeoX and OPT forward passes need, with Hugging Face's defaults
/// where a field is absent. Only model_type "gpt_neox" and "opt" are accepted.
/// </summary>
public sealed record CheckpointConfig
{
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["gpt_neox", "opt"];

    public required CheckpointArchitecture Architecture { get; init; }
    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int IntermediateSize { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public string? TorchDType { get; init; }
    /// <summary>bos_token_id: OPT's tokenizer puts it (2, "&lt;/s&gt;") before every text.</summary>
    public int? BosTokenId { get; init; }
    /// <summary>_name_or_path as save_pretrained recorded it (e.g. "EleutherAI/pythia-70m"), when present.</summary>
    public string? NameOrPath { get; init; }
    public double LayerNormEpsilon { get; init; } = 1e-5;
    public bool TieWordEmbeddings { get; init; }

    // GPT-NeoX
    public double RotaryPct { get; init; } = 0.25;
    public double RotaryEmbeddingBase { get; init; } = 10000;
    public bool UseParallelResidual { get; init; } = true;
    public string HiddenActivation { get; init; } = "gelu";

    // OPT
    public bool DoLayerNormBefore { get; init; } = true;
    public bool RemoveFinalLayerNorm { get; init; }
    public int WordEmbedProjectionDim { get; init; }
    public bool EnableBias { get; init; } = true;

    public int HeadDim => HiddenSize / Heads;
    /// <summary>GPT-NeoX: int(head_dim · rotary_pct) leading dims of q and k get rotary embeddings.</summary>
    public int RotaryDims => (int)(HeadDim * RotaryPct);
    /// <summary>OPT: whether project_in/project_out exist (word_embed_proj_dim ≠ hidden_size).</summary>
    public bool HasProjection => Architecture == CheckpointArchitecture.Opt && WordEmbedProjectionDim != HiddenSize;
    /// <summary>OPT: final_layer_norm exists only with pre-LN and without _remove_final_layer_norm.</summary>
    public bool HasFinalLayerNorm => Architecture == CheckpointArchitecture.GptNeoX || (DoLayerNormBefore && !RemoveFinalLayerNorm);

    public static CheckpointConfig Read(string configPath)
    {
        if (!File.Exists(configPath))
            throw new JomaException("CheckpointConfigMissing", JomaErrorKind.ObjectNotFound,
                $"'{configPath}' does not exist. Point at a Hugging Face model folder (the one holding config.json and the weights).");
        JsonDocument document;
        try { document = JsonDocument.Parse(ReadJsonBytes(configPath)); }
        catch (JsonException e)
        {
            throw new JomaException("CheckpointConfigInvalid", JomaErrorKind.InvalidData, $"'{configPath}' is not valid JSON ({e.Message}). Re-download config.json.");
        }
        using (document)
        {
            var root = document.RootElement;
            var modelType = String(root, "model_type");
            var architecture = modelType switch
            {
                "gpt_neox" => CheckpointArchitecture.GptNeoX,
                "opt" => CheckpointArchitecture.Opt,
                _ => throw new JomaException("UnsupportedArchitecture", JomaErrorKind.NotImplemented,
                    $"'{configPath}' has model_type '{modelType ?? "(none)"}'; supported architectures: {string.Join(", ", SupportedModelTypes)} (GPT-NeoX/Pythia and OPT)."),
            };
            int hidden = Int(root, "hidden_size", configPath);
            var config = new CheckpointConfig
            {
                Architecture = architecture,
                ModelType = modelType!,
                VocabSize = Int(root, "vocab_size", configPath),
                HiddenSize = hidden,
                Layers = Int(root, "num_hidden_layers", configPath),
                Heads = Int(root, "num_attention_heads", configPath),
                IntermediateSize = Int(root, architecture == CheckpointArchitecture.Opt ? "ffn_dim" : "intermediate_size", configPath),
                MaxPositionEmbeddings = Int(root, "max_position_embeddings", configPath),
                TorchDType = String(root, "torch_dtype"),
                BosTokenId = root.TryGetProperty("bos_token_id", out var bos) && bos.ValueKind == JsonValueKind.Number && bos.TryGetInt32(out var bosId) ? bosId : null,
                NameOrPath = String(root, "_name_or_path"),
                LayerNormEpsilon = Double(root, "layer_norm_eps") ?? 1e-5,
                TieWordEmbeddings = Bool(root, "tie_word_embeddings") ?? architecture == CheckpointArchitecture.Opt,
                RotaryPct = Double(root, "rotary_pct") ?? 0.25,
                RotaryEmbeddingBase = Double(root, "rotary_emb_base") ?? 10000,
                UseParallelResidual = Bool(root, "use_parallel_residual") ?? true,
                HiddenActivation = String(root, architecture == CheckpointArchitecture.Opt ? "activation_function" : "hidden_act") ?? (architecture == CheckpointArchitecture.Opt ? "relu" : "gelu"),
                DoLayerNormBefore = Bool(root, "do_layer_norm_before") ?? true,
                RemoveFinalLayerNorm = Bool(root, "_remove_final_layer_norm") ?? false,
                WordEmbedProjectionDim = root.TryGetProperty("word_embed_proj_dim", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : hidden,
                EnableBias = Bool(root, "enable_bias") ?? true,
            };
            config.Validate(configPath);
            return config;
        }
    }

    void Validate(string configPath)
    {
        if (HiddenSize <= 0 || Heads <= 0 || HiddenSize % Heads != 0)
            throw Invalid(configPath, $"hidden_size {HiddenSize} must be a positive multiple of num_attention_heads {Heads}");
        if (Layers <= 0 || VocabSize <= 0 || IntermediateSize <= 0 || MaxPositionEmbeddings <= 0)
            throw Invalid(configPath, "num_hidden_layers, vocab_size, the MLP width and max_position_embeddings must be positive");
        var activation = Architecture == CheckpointArchitecture.Opt ? "relu" : "gelu";
        if (HiddenActivation != activation)
            throw new JomaException("UnsupportedActivation", JomaErrorKind.NotImplemented,
                $"'{configPath}' uses activation '{HiddenActivation}'; the engine's {ModelType} forward pass implements '{activation}' only.");
        if (Architecture == CheckpointArchitecture.Opt && !EnableBias)
            throw new JomaException("UnsupportedArchitecture", JomaErrorKind.NotImplemented, $"'{configPath}' sets enable_bias false; the engine's OPT forward pass needs the standard biases.");
    }

    /// <summary>A JSON file's bytes without a UTF-8 byte-order mark (some editors add one; System.Text.Json refuses it).</summary>
    internal static ReadOnlyMemory<byte> ReadJsonBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsMemory(3) : bytes;
    }

    static JomaException Invalid(string path, string detail) =>
        new("CheckpointConfigInvalid", JomaErrorKind.InvalidData, $"'{path}': {detail}. Check config.json.");

    static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static double? Double(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    static int Int(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var v))
        {
            var near = root.ValueKind == JsonValueKind.Object
                ? root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => EditDistance(n, name) <= 2) : null;
            throw Invalid(path, near is null ? $"the integer field '{name}' is missing"
                : $"the integer field '{name}' is missing; '{near}' looks like a misspelling of it");
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        var found = v.ValueKind switch
        {
            JsonValueKind.Number => $"{v.GetRawText()}, which is not a whole number of at most {int.MaxValue}",
            JsonValueKind.String => $"the text \"{v.GetString()}\" (write the number without quotes)",
            JsonValueKind.Null => "null",
            _ => $"a {v.ValueKind.ToString().ToLowerInvariant()}",
        };
        throw Invalid(path, $"the field '{name}' must be a whole number but is {found}");
    }

    static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>
    /// A lower bound on the parameters this config describes, computed without allocating anything (the layout's
    /// per-tensor table of a config claiming 10^9 layers would itself exhaust memory).
    /// </summary>
    public double MinimumParameters()
    {
        double h = HiddenSize, f = IntermediateSize, v = VocabSize;
        double perLayer = Architecture == CheckpointArchitecture.GptNeoX
            ? 4 * h + (3 * h * h + 3 * h) + (h * h + h) + (f * h + f) + (h * f + h)
            : 4 * (h * h + h) + 4 * h + (f * h + f) + (h * f + h);
        double embeddings = Architecture == CheckpointArchitecture.GptNeoX ? v * h : v * WordEmbedProjectionDim + (MaxPositionEmbeddings + 2.0) * h;
        return (double)Layers * perLayer + embeddings;
    }
}
