using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// The reference language model of SCIENCE.md §4 (decoder_wiki.py / PyTorch's nn.Transformer tutorial):
/// embedding·√d + sinusoidal positions + dropout, n causal encoder layers, a linear decoder; with the
/// reference initialisation (embedding and decoder U(−0.1, 0.1), decoder bias 0).
/// </summary>
public sealed class TransformerLanguageModel : nn.Module<Tensor, Tensor>
{
    readonly Embedding encoder;
    readonly SinusoidalPositions pos_encoder;
    readonly ModuleList<TransformerBlock> layers;
    readonly TransformerBlock[] blocks;
    readonly Linear decoder;
    readonly double scale;

    public TransformerLanguageModel(TransformerOptions options) : base("TransformerLanguageModel")
    {
        options.Validate();
        Options = options;
        encoder = nn.Embedding(options.VocabularySize, options.ModelDimension);
        pos_encoder = new SinusoidalPositions("pos_encoder", options.ModelDimension, options.MaxLength, options.Dropout);
        layers = nn.ModuleList(Enumerable.Range(0, options.Layers).Select(i => new TransformerBlock($"layers.{i}", options)).ToArray());
        blocks = layers.ToArray();
        decoder = nn.Linear(options.ModelDimension, options.VocabularySize);
        scale = Math.Sqrt(options.ModelDimension);
        using (no_grad())
        {
            nn.init.uniform_(encoder.weight!, -0.1, 0.1);
            nn.init.zeros_(decoder.bias!);
            if (options.TiedDecoder) decoder.weight = encoder.weight!;
            else nn.init.uniform_(decoder.weight!, -0.1, 0.1);
        }
        RegisterComponents();
    }

    public TransformerOptions Options { get; }
    public IReadOnlyList<TransformerBlock> Blocks => blocks;

    /// <summary>Keep each layer's attention probabilities [B, H, T, T] from the next forward passes.</summary>
    public bool CaptureAttention
    {
        set { foreach (var block in blocks) block.Attention.CaptureProbabilities = value; }
    }

    /// <summary>The last linear map, hidden state to vocabulary logits (training fuses it with the loss).</summary>
    public Linear Decoder => decoder;

    /// <param name="tokens">[T, B] token ids</param>
    /// <returns>logits [T, B, V]</returns>
    public override Tensor forward(Tensor tokens) => decoder.forward(Hidden(tokens));

    /// <summary>The token embedding [V, d] (training scatters its gradient itself: Training/EmbeddingGradient).</summary>
    public Embedding Embedding => encoder;

    /// <param name="tokens">[T, B] token ids</param>
    /// <returns>the last layer's output [T, B, d], before the decoder</returns>
    public Tensor Hidden(Tensor tokens) => HiddenFromEmbedded(encoder.forward(tokens));

    /// <param name="embedded">[T, B, d] the tokens' embedding rows</param>
    /// <returns>the last layer's output [T, B, d], before the decoder</returns>
    public Tensor HiddenFromEmbedded(Tensor embedded) => Through(embedded, blocks.Length);

    /// <summary>
    /// Layer <paramref name="layer"/>'s attention probabilities, computed alone: the blocks before it run, its own values,
    /// MLP, the later blocks and the decoder do not (the decoder alone is most of a forward pass at a Wikitext vocabulary).
    /// </summary>
    /// <param name="tokens">[T, B] token ids</param>
    /// <returns>[B, H, T, T]</returns>
    public Tensor AttentionProbabilities(Tensor tokens, int layer)
    {
        if (layer < 0 || layer >= blocks.Length)
            throw JomaException.Argument("LayerOutOfRange", $"Layer {layer} does not exist: the model has layers 0 to {blocks.Length - 1}.");
        return blocks[layer].AttentionProbabilities(Through(encoder.forward(tokens), layer));
    }

    /// <summary>Positions added to the scaled embedding, then the first <paramref name="blockCount"/> blocks: [T, B, d].</summary>
    Tensor Through(Tensor embedded, int blockCount)
    {
        var x = pos_encoder.forward(embedded * scale);  // [T, B, d]
        for (int l = 0; l < blockCount; l++) x = blocks[l].forward(x);
        return x;
    }
}
