namespace JoMA.Engine.Hierarchy;

/// <summary>
/// How a latent tree is built (SCIENCE.md §6): SubsetUnion is the authors' deterministic construction
/// (decoder_only_hier.py); Binomial is the paper's binary latent tree with symmetric noisy edges.
/// </summary>
public enum LatentTreeGenerator { SubsetUnion, Binomial }
