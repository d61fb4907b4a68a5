using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// The authors' model for hierarchical latent data: a token embedding with no positional encoding, a stack
/// of <see cref="HierarchicalBlock"/>s, and a linear classifier on the last position.
/// </summary>
public sealed class HierarchicalClassifier : nn.Module<Tensor, Tensor>
{
    readonly Embedding embed;
    readonly ModuleList<HierarchicalBlock> blocks;
    readonly Linear classifier;

    public HierarchicalClassifier(HierarchicalModelOptions options) : base(nameof(HierarchicalClassifier))
    {
        if (options.ModelDimension % options.Heads != 0)
            throw JomaException.Argument("HeadsDoNotDivideDimension", $"-Heads {options.Heads} must divide -ModelDimension {options.ModelDimension}.");
        Options = options;
        embed = nn.Embedding(options.Vocabulary, options.ModelDimension);
        blocks = nn.ModuleList(Enumerable.Range(0, options.Layers).Select(i => new HierarchicalBlock($"block{i}", options)).ToArray());
        classifier = nn.Linear(options.ModelDimension, options.Classes);
        RegisterComponents();
    }

    public HierarchicalModelOptions Options { get; }

    /// <param name="tokens">[B, L] int64</param>
    /// <returns>class logits [B, C]</returns>
    public override Tensor forward(Tensor tokens) => Forward(tokens).Logits;

    /// <summary>Logits [B, C] and each block's post-ReLU hidden [B, L, F].</summary>
    public (Tensor Logits, Tensor[] Hidden) Forward(Tensor tokens)
    {
        var x = embed.forward(tokens);                                    // [B, L, d]
        var hidden = new Tensor[blocks.Count];
        for (int i = 0; i < blocks.Count; i++) (x, hidden[i]) = blocks[i].Forward(x);
        return (classifier.forward(x[.., -1, ..]), hidden);
    }
}
