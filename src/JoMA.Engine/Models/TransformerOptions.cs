namespace JoMA.Engine.Models;

public enum FeedForwardActivation { Relu, Gelu }

/// <summary>
/// The reference language model of SCIENCE.md §4 (the authors' decoder_wiki.py, i.e. PyTorch's
/// nn.Transformer tutorial model) and the variants researchers ask for. Defaults are the reference.
/// </summary>
public sealed record TransformerOptions
{
    public int VocabularySize { get; init; }
    public int ModelDimension { get; init; } = 200;
    public int FeedForwardDimension { get; init; } = 200;
    public int Heads { get; init; } = 1;
    public int Layers { get; init; } = 2;
    public double Dropout { get; init; } = 0.2;
    /// <summary>LayerNorm before each sub-layer instead of after the residual add (the reference is post-LN).</summary>
    public bool PreLayerNorm { get; init; }
    public FeedForwardActivation Activation { get; init; } = FeedForwardActivation.Relu;
    /// <summary>Share the decoder weight with the embedding (the reference unties them).</summary>
    public bool TiedDecoder { get; init; }
    public int MaxLength { get; init; } = 5000;

    public void Validate()
    {
        if (VocabularySize < 2) throw JomaException.Argument("VocabularyTooSmall", $"The vocabulary must have at least 2 tokens (got {VocabularySize}).");
        if (ModelDimension < 1 || FeedForwardDimension < 1 || Layers < 1 || Heads < 1)
            throw JomaException.Argument("ModelShapeInvalid", "-ModelDimension, -FeedForwardDimension, -Layers and -Heads must all be 1 or more.");
        if (ModelDimension % Heads != 0)
            throw JomaException.Argument("HeadsDoNotDivide", $"-ModelDimension ({ModelDimension}) must be a multiple of -Heads ({Heads}).");
        if (!(Dropout >= 0 && Dropout < 1)) throw JomaException.Argument("DropoutInvalid", $"-Dropout must be in [0, 1) (got {Dropout}).");
    }
}
