namespace JoMA.Engine.Hierarchy;

/// <summary>
/// One draw from a latent tree: the model's input (Tokens, length L, pre-padded with the padding token),
/// its class Label, and which latents were active in each tree layer (layer 0 = just above the tokens).
/// </summary>
public sealed class LatentSample
{
    public int Index { get; init; }
    public int Label { get; init; }
    public IndexList Tokens { get; init; } = new(Array.Empty<int>());
    /// <summary>The distinct real tokens of the sample (Tokens without padding), ascending.</summary>
    public IndexList Leaves { get; init; } = new(Array.Empty<int>());
    public LayeredIndexLists ActiveLatents { get; init; } = new(Array.Empty<IndexList>());
}
