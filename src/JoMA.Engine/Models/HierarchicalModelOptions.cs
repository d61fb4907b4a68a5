namespace JoMA.Engine.Models;

/// <summary>Sizes of the hierarchical classifier (SCIENCE.md §6).</summary>
public sealed record HierarchicalModelOptions
{
    /// <summary>M, the token vocabulary including the padding token.</summary>
    public int Vocabulary { get; init; }
    public int Classes { get; init; }
    public int Layers { get; init; } = 3;
    public int Heads { get; init; } = 1;
    public int ModelDimension { get; init; } = 1024;
    /// <summary>Width of each block's ReLU hidden layer (the authors' hidden_multi · M, or · d).</summary>
    public int FeedForwardDimension { get; init; } = 400;
}
