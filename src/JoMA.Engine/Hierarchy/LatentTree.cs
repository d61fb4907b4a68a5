namespace JoMA.Engine.Hierarchy;

/// <summary>
/// A built hierarchical latent model (SCIENCE.md §6): layers of latents bottom-up (layer 0 expands into
/// tokens; the top layer holds the classes, or the root for Binomial), the token vocabulary M with padding
/// token M−1, and the sequence length L. Samples are drawn from a caller's seeded Random, so they repeat.
/// </summary>
public sealed class LatentTree
{
    LatentTree(LatentTreeSpec spec, LatentLayer[] layers)
    {
        Spec = spec;
        Generator = spec.GeneratorKind();
        Layers = layers;
        if (Generator == LatentTreeGenerator.Binomial)
        {
            int leaves = layers[0].Children.Sum(c => c.Length);
            Vocabulary = leaves + 1;
            SequenceLength = leaves;
            Classes = 2;
        }
        else
        {
            Vocabulary = spec.Vocabulary;
            SequenceLength = spec.SequenceLength;
            Classes = layers[^1].Count;
        }
    }

    public static LatentTree Create(LatentTreeSpec spec)
    {
        var layers = spec.GeneratorKind() == LatentTreeGenerator.SubsetUnion ? SubsetUnionTreeBuilder.Build(spec) : BinomialTreeBuilder.Build(spec);
        var tree = new LatentTree(spec.Clone(), layers);
        tree.CheckSequenceLength();
        return tree;
    }

    /// <summary>A tree from stored layers (an imported file), checked for consistency.</summary>
    public static LatentTree FromLayers(LatentTreeSpec spec, LatentLayer[] layers)
    {
        if (layers.Length == 0) throw new JomaException("TreeFileInvalid", JomaErrorKind.InvalidData, "The latent tree has no layers.");
        var tree = new LatentTree(spec.Clone(), layers);
        int below = tree.Vocabulary - 1;   // layer 0 expands into the real tokens
        for (int l = 0; l < layers.Length; l++)
        {
            foreach (var (children, k) in layers[l].Children.Select((c, k) => (c, k)))
            {
                if (children.Length == 0 || children.Any(c => c < 0 || c >= below))
                    throw new JomaException("TreeFileInvalid", JomaErrorKind.InvalidData, $"Latent {k} of layer {l} names children outside 0..{below - 1}. Re-export the tree.");
                if (layers[l].EdgeDeltas is { } d && (d.Length != layers[l].Count || d[k].Length != children.Length))
                    throw new JomaException("TreeFileInvalid", JomaErrorKind.InvalidData, $"Layer {l} has edge deltas that do not match its children. Re-export the tree.");
            }
            below = layers[l].Count;
        }
        tree.CheckSequenceLength();
        return tree;
    }

    public LatentTreeSpec Spec { get; }
    public LatentTreeGenerator Generator { get; }
    public IReadOnlyList<LatentLayer> Layers { get; }
    /// <summary>M: real tokens 0..M−2 and the padding token M−1.</summary>
    public int Vocabulary { get; }
    public int PaddingToken => Vocabulary - 1;
    public int SequenceLength { get; }
    public int Classes { get; }
    public int Seed => Spec.Seed;
    public IndexList LatentsPerLayer => new(Layers.Select(l => l.Count));

    /// <summary>Draws one sample; all randomness comes from <paramref name="random"/>.</summary>
    public LatentSample Sample(Random random, int index = 0)
    {
        var (label, active, leaves) = Generator == LatentTreeGenerator.SubsetUnion ? SampleSubsetUnion(random) : SampleBinomial(random);
        var tokens = Enumerable.Repeat(PaddingToken, SequenceLength - leaves.Length).Concat(leaves);
        return new LatentSample
        {
            Index = index, Label = label, Tokens = new(tokens), Leaves = new(leaves),
            ActiveLatents = new(active.Select(a => new IndexList(a))),
        };
    }

    (int Label, int[][] Active, int[] Leaves) SampleSubsetUnion(Random random)
    {
        int label = random.Next(Classes);
        var active = new int[Layers.Count][];
        active[^1] = new[] { label };
        for (int l = Layers.Count - 1; l > 0; l--) active[l - 1] = Expand(l, active[l]);
        return (label, active, Expand(0, active[0]));
    }

    int[] Expand(int layer, int[] latents) => latents.SelectMany(k => Layers[layer].Children[k]).Distinct().Order().ToArray();

    (int Label, int[][] Active, int[] Leaves) SampleBinomial(Random random)
    {
        var states = new bool[Layers.Count + 1][];           // states[l] for tree layer l; states[0..] bottom-up, leaves kept apart
        states[Layers.Count - 1] = new[] { random.Next(2) == 1 };
        bool[] leaves = Array.Empty<bool>();
        for (int l = Layers.Count - 1; l >= 0; l--)
        {
            var layer = Layers[l];
            var below = new bool[layer.Children.Sum(c => c.Length)];
            for (int k = 0; k < layer.Count; k++)
                for (int j = 0; j < layer.Children[k].Length; j++)
                {
                    // Copy the parent with probability (1+δ)/2, flip it otherwise.
                    bool same = random.NextDouble() < (1 + layer.EdgeDeltas![k][j]) / 2;
                    below[layer.Children[k][j]] = same ? states[l][k] : !states[l][k];
                }
            if (l > 0) states[l - 1] = below;
            else leaves = below;
        }
        int[] On(bool[] s) => Enumerable.Range(0, s.Length).Where(i => s[i]).ToArray();
        var active = Enumerable.Range(0, Layers.Count).Select(l => On(states[l])).ToArray();
        return (states[Layers.Count - 1][0] ? 1 : 0, active, On(leaves));
    }

    /// <summary>Every class's token set must fit in L positions (the union can only be as large as the class's).</summary>
    void CheckSequenceLength()
    {
        int longest = Generator == LatentTreeGenerator.Binomial
            ? Vocabulary - 1
            : Enumerable.Range(0, Classes).Max(c =>
            {
                var active = new[] { c };
                for (int l = Layers.Count - 1; l > 0; l--) active = Expand(l, active);
                return Expand(0, active).Length;
            });
        if (longest > SequenceLength)
            throw JomaException.Argument("SequenceTooShort",
                $"A class of this tree expands into {longest} distinct tokens, more than -SequenceLength {SequenceLength}. Raise -SequenceLength to at least {longest} or lower -Branching.");
    }

    public override string ToString() => $"{LatentTreeSpec.NameOf(Generator)} tree, M {Vocabulary}, L {SequenceLength}, latents {LatentsPerLayer}, seed {Seed}";
}
