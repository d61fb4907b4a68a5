namespace JoMA.Engine.Hierarchy;

/// <summary>
/// Everything needed to rebuild a latent tree bit for bit: the generator, its sizes and the seed. Stored
/// in training configs (hierarchy.tree) and in exported tree files, so a run can be re-created.
/// </summary>
public sealed class LatentTreeSpec
{
    /// <summary>subset_union or binomial.</summary>
    public string Generator { get; set; } = "subset_union";
    public int Seed { get; set; } = 1;

    // Subset-union: M tokens (M−1 = padding), L positions, n_l latents per layer below the classes,
    // branching[l] = size of each latent's subset of the layer below (one more entry than latents_per_layer).
    public int Vocabulary { get; set; } = 100;
    public int SequenceLength { get; set; } = 30;
    public int Classes { get; set; } = 20;
    public List<int> LatentsPerLayer { get; set; } = new() { 10, 20 };
    public List<int> Branching { get; set; } = new() { 2, 2, 2 };

    // Binomial: a complete tree of the given depth (root = depth 0, leaves = tokens at depth Depth),
    // each edge's δ drawn uniformly from [delta_min, delta_max].
    public int Depth { get; set; } = 4;
    public int Children { get; set; } = 2;
    public double DeltaMin { get; set; } = 0.6;
    public double DeltaMax { get; set; } = 0.9;

    /// <summary>A method, not a property, so YAML and JSON writers leave it out.</summary>
    public LatentTreeGenerator GeneratorKind() => Generator.Replace("_", "").ToLowerInvariant() switch
    {
        "subsetunion" => LatentTreeGenerator.SubsetUnion,
        "binomial" => LatentTreeGenerator.Binomial,
        _ => throw JomaException.Argument("UnknownTreeGenerator", $"Unknown latent-tree generator '{Generator}'. Use subset_union or binomial."),
    };

    public static string NameOf(LatentTreeGenerator generator) => generator == LatentTreeGenerator.SubsetUnion ? "subset_union" : "binomial";

    public LatentTreeSpec Clone() => new()
    {
        Generator = Generator, Seed = Seed, Vocabulary = Vocabulary, SequenceLength = SequenceLength, Classes = Classes,
        LatentsPerLayer = new(LatentsPerLayer), Branching = new(Branching), Depth = Depth, Children = Children, DeltaMin = DeltaMin, DeltaMax = DeltaMax,
    };
}
