namespace JoMA.Engine.Hierarchy;

/// <summary>
/// The authors' construction (decoder_only_hier.py): each latent of layer l is a unique random sorted
/// subset of size branching[l] of the layer below (layer 0: the M−1 real tokens), found by rejection.
/// </summary>
internal static class SubsetUnionTreeBuilder
{
    public static LatentLayer[] Build(LatentTreeSpec spec)
    {
        Validate(spec);
        var random = new Random(spec.Seed);
        var counts = spec.LatentsPerLayer.Append(spec.Classes).ToArray();
        var layers = new LatentLayer[counts.Length];
        int below = spec.Vocabulary - 1;
        for (int l = 0; l < counts.Length; l++)
        {
            int size = spec.Branching[l];
            var seen = new HashSet<string>();
            var children = new int[counts[l]][];
            var pool = Enumerable.Range(0, below).ToArray();
            for (int k = 0; k < counts[l]; k++)
            {
                while (true)
                {
                    // A partial Fisher–Yates shuffle draws a uniform subset of the given size.
                    for (int i = 0; i < size; i++)
                    {
                        int j = random.Next(i, below);
                        (pool[i], pool[j]) = (pool[j], pool[i]);
                    }
                    var subset = pool.Take(size).Order().ToArray();
                    if (seen.Add(string.Join(",", subset))) { children[k] = subset; break; }
                }
            }
            layers[l] = new LatentLayer(children);
            below = counts[l];
        }
        return layers;
    }

    static void Validate(LatentTreeSpec spec)
    {
        if (spec.Vocabulary < 2) throw JomaException.Argument("VocabularyTooSmall", $"-Vocabulary must be 2 or more: one real token and the padding token (got {spec.Vocabulary}).");
        if (spec.SequenceLength < 1) throw JomaException.Argument("SequenceLengthNotPositive", $"-SequenceLength must be 1 or more (got {spec.SequenceLength}).");
        if (spec.Classes < 1) throw JomaException.Argument("ClassesNotPositive", $"-Classes must be 1 or more (got {spec.Classes}).");
        if (spec.LatentsPerLayer.Any(n => n < 1)) throw JomaException.Argument("LatentCountNotPositive", $"Every -LatentsPerLayer entry must be 1 or more (got {string.Join(",", spec.LatentsPerLayer)}).");
        if (spec.Branching.Count != spec.LatentsPerLayer.Count + 1)
            throw JomaException.Argument("BranchingCountMismatch",
                $"-Branching needs one entry per latent layer plus one for the classes: {spec.LatentsPerLayer.Count + 1} entries for -LatentsPerLayer {string.Join(",", spec.LatentsPerLayer)} (got {spec.Branching.Count}).");
        var counts = spec.LatentsPerLayer.Append(spec.Classes).ToArray();
        int below = spec.Vocabulary - 1;
        string belowName = $"the {below} real tokens (vocabulary {spec.Vocabulary} minus the padding token)";
        for (int l = 0; l < counts.Length; l++)
        {
            int size = spec.Branching[l];
            if (size < 1) throw JomaException.Argument("BranchingNotPositive", $"-Branching entries must be 1 or more (layer {l} got {size}).");
            if (size > below)
                throw JomaException.Argument("BranchingExceedsLayerBelow", $"Layer {l} asks for subsets of {size} out of {belowName}. Lower -Branching or enlarge the layer below.");
            double available = Binomial(below, size);
            if (counts[l] > available)
                throw JomaException.Argument("TooManyUniqueSubsets",
                    $"Layer {l} asks for {counts[l]} unique subsets of size {size} out of {belowName}, but only {available} exist. Lower its latent count or raise -Branching / the layer below.");
            below = counts[l];
            belowName = $"the {below} latents of layer {l}";
        }
    }

    static double Binomial(int n, int k)
    {
        double c = 1;
        for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return Math.Round(c);
    }
}
