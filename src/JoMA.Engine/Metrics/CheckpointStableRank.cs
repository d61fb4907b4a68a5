using JoMA.Engine.Checkpoints;

namespace JoMA.Engine.Metrics;

/// <summary>
/// Stable rank of one weight per layer of a pretrained checkpoint: by default the MLP's lower weight
/// (dense_h_to_4h for GPT-NeoX, fc1 for OPT; SCIENCE.md §1), or any per-layer 2-D weight named by its canonical
/// name without the "layers.N." prefix (e.g. "attention.dense", "fc2"; a unique suffix such as "dense_4h_to_h" is enough).
/// </summary>
public static class CheckpointStableRank
{
    public static string DefaultMatrix(CheckpointArchitecture architecture) =>
        architecture == CheckpointArchitecture.GptNeoX ? "dense_h_to_4h" : "fc1";

    /// <summary>The canonical weight name of <paramref name="matrix"/> in <paramref name="layer"/>. Errors: MatrixNotFound, MatrixAmbiguous.</summary>
    public static string WeightName(CheckpointTensorLayout layout, int layer, string matrix)
    {
        var prefix = $"layers.{layer}.";
        var name = matrix.EndsWith(".weight", StringComparison.Ordinal) ? matrix[..^".weight".Length] : matrix;
        var matrices = layout.Expected.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Value.Length == 2)
            .Select(kv => kv.Key).ToList();
        var exact = prefix + name + ".weight";
        if (matrices.Contains(exact)) return exact;
        var matches = matrices.Where(m => m.EndsWith("." + name + ".weight", StringComparison.Ordinal)).ToList();
        if (matches.Count == 1) return matches[0];
        var known = string.Join(", ", matrices.Select(m => m[prefix.Length..^".weight".Length]));
        if (matches.Count == 0)
            throw JomaException.Argument("MatrixNotFound", $"The {layout.Config.ModelType} layers have no 2-D weight '{matrix}'. Per-layer matrices: {known}.");
        throw JomaException.Argument("MatrixAmbiguous", $"'{matrix}' names several weights per layer ({string.Join(", ", matches)}). Give one of: {known}.");
    }

    /// <summary>One result per layer, computed on the loaded weights (float64 SVD by <see cref="StableRankValue.Of"/>).</summary>
    public static IEnumerable<StableRankResult> Measure(JomaCheckpoint checkpoint, string? matrix = null)
    {
        var label = matrix ?? DefaultMatrix(checkpoint.Architecture);
        var names = Enumerable.Range(0, checkpoint.Layers).Select(l => WeightName(checkpoint.Checkpoint.Layout, l, label)).ToList(); // fail before loading
        var weights = checkpoint.GetModel().Weights;
        for (int layer = 0; layer < names.Count; layer++)
        {
            var value = StableRankValue.Of(weights[names[layer]]);
            yield return new StableRankResult
            {
                Source = checkpoint.Path,
                Model = checkpoint.Model,
                Revision = checkpoint.Revision,
                Step = checkpoint.Step,
                Layer = layer,
                Matrix = label,
                StableRank = value.StableRank,
                SpectralNorm = value.SpectralNorm,
                FrobeniusNorm = value.FrobeniusNorm,
            };
        }
    }
}
