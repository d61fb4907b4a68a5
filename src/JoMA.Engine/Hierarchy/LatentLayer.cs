namespace JoMA.Engine.Hierarchy;

/// <summary>
/// One layer of latent variables. Children[k] lists what latent k of this layer expands into: tokens for
/// layer 0, latents of layer l−1 above that. Binomial trees also give each child edge its δ (EdgeDeltas[k][j]
/// belongs to Children[k][j]); subset-union layers have none.
/// </summary>
public sealed record LatentLayer(int[][] Children, double[][]? EdgeDeltas = null)
{
    public int Count => Children.Length;
}
