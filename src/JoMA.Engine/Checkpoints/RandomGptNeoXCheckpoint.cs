using System.Text;
using System.Text.Json;
using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// Writes a randomly initialised GPT-NeoX checkpoint folder (config.json + model.safetensors under Hugging Face's
/// "gpt_neox." names) of any shape: for memory tests and benchmarks that need Pythia-sized models without downloads.
/// Weights are N(0, 0.02²), LayerNorm weights 1 and biases 0, as Hugging Face initialises them.
/// </summary>
public static class RandomGptNeoXCheckpoint
{
    public sealed record Shape(int VocabSize, int HiddenSize, int Layers, int Heads, int IntermediateSize, int MaxPositions, double RotaryPct = 0.25);

    /// <summary>Pythia-70m's shape: 6 layers, 512 hidden, 8 heads, vocab 50304, intermediate 2048, 2048 positions, rotary_pct 0.25.</summary>
    public static Shape Pythia70m { get; } = new(50304, 512, 6, 8, 2048, 2048);

    public static void Write(string folder, Shape shape, long seed = 0)
    {
        Native.NativeLibraries.EnsureLoaded();
        Directory.CreateDirectory(folder);
        var configJson = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["architectures"] = new[] { "GPTNeoXForCausalLM" },
            ["model_type"] = "gpt_neox",
            ["vocab_size"] = shape.VocabSize,
            ["hidden_size"] = shape.HiddenSize,
            ["num_hidden_layers"] = shape.Layers,
            ["num_attention_heads"] = shape.Heads,
            ["intermediate_size"] = shape.IntermediateSize,
            ["max_position_embeddings"] = shape.MaxPositions,
            ["rotary_pct"] = shape.RotaryPct,
            ["rotary_emb_base"] = 10000,
            ["hidden_act"] = "gelu",
            ["layer_norm_eps"] = 1e-5,
            ["use_parallel_residual"] = true,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "float32",
            ["bos_token_id"] = 0,
            ["eos_token_id"] = 0,
        }, new JsonSerializerOptions { WriteIndented = true });
        var configPath = Path.Combine(folder, HuggingFaceCheckpoint.ConfigFileName);
        File.WriteAllText(configPath, configJson, new UTF8Encoding(false));
        var layout = new CheckpointTensorLayout(CheckpointConfig.Read(configPath));
        var generator = new torch.Generator((ulong)seed);
        var tensors = new List<KeyValuePair<string, torch.Tensor>>();
        try
        {
            foreach (var (name, size) in layout.Expected.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                bool isNorm = name.Contains("layernorm", StringComparison.Ordinal) || name.StartsWith("final_layer_norm", StringComparison.Ordinal);
                var tensor = isNorm
                    ? (name.EndsWith(".weight", StringComparison.Ordinal) ? torch.ones(size) : torch.zeros(size))
                    : name.EndsWith(".bias", StringComparison.Ordinal) ? torch.zeros(size) : torch.randn(size, generator: generator).mul_(0.02);
                tensors.Add(KeyValuePair.Create(name == layout.OutputEmbeddingName ? name : "gpt_neox." + name, tensor));
            }
            SafetensorsWriter.Write(Path.Combine(folder, HuggingFaceCheckpoint.SafetensorsFileName), tensors);
        }
        finally
        {
            foreach (var (_, t) in tensors) t.Dispose();
        }
    }
}
