namespace JoMA.Engine.Hierarchy;

/// <summary>
/// The paper's binary latent tree: a complete tree of Depth levels below the root with Children per node,
/// leaves = tokens. Each edge gets its own δ, drawn uniformly from [DeltaMin, DeltaMax], and a child copies
/// its parent with probability (1+δ)/2 (the matrix [[1+δ, 1−δ], [1−δ, 1+δ]]/2).
/// </summary>
internal static class BinomialTreeBuilder
{
    public const int MaxLeaves = 100_000;

    public static LatentLayer[] Build(LatentTreeSpec spec)
    {
        Validate(spec);
        var random = new Random(spec.Seed);
        // Tree layer l sits at depth Depth−1−l: layer 0 holds the parents of the leaves, the top layer the root.
        var layers = new LatentLayer[spec.Depth];
        for (int l = spec.Depth - 1; l >= 0; l--)
        {
            int nodes = Pow(spec.Children, spec.Depth - 1 - l);
            var children = new int[nodes][];
            var deltas = new double[nodes][];
            for (int k = 0; k < nodes; k++)
            {
                children[k] = Enumerable.Range(k * spec.Children, spec.Children).ToArray();
                deltas[k] = children[k].Select(_ => spec.DeltaMin + (spec.DeltaMax - spec.DeltaMin) * random.NextDouble()).ToArray();
            }
            layers[l] = new LatentLayer(children, deltas);
        }
        return layers;
    }

    public static int Leaves(LatentTreeSpec spec) => Pow(spec.Children, spec.Depth);

    static int Pow(int b, int e) => (int)Math.Pow(b, e);

    static void Validate(LatentTreeSpec spec)
    {
        if (spec.Depth < 1) throw JomaException.Argument("DepthNotPositive", $"-Depth must be 1 or more (got {spec.Depth}).");
        if (spec.Children < 1) throw JomaException.Argument("ChildrenNotPositive", $"-Children must be 1 or more (got {spec.Children}).");
        if (Math.Pow(spec.Children, spec.Depth) > MaxLeaves)
            throw JomaException.Argument("TreeTooLarge", $"-Children {spec.Children} and -Depth {spec.Depth} give {Math.Pow(spec.Children, spec.Depth)} leaf tokens; at most {MaxLeaves} are supported. Lower -Depth or -Children.");
        if (!(spec.DeltaMin >= 0 && spec.DeltaMax <= 1 && spec.DeltaMin <= spec.DeltaMax))
            throw JomaException.Argument("DeltaRangeInvalid", $"-Delta must be a value or a range lo,hi with 0 ≤ lo ≤ hi ≤ 1 (got {spec.DeltaMin},{spec.DeltaMax}).");
    }
}
