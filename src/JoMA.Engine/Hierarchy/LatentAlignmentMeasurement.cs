using JoMA.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// Runs fresh samples through a hierarchical classifier and scores, per block l, how well its hidden
/// nodes line up with the latents of tree layer l (SCIENCE.md §6): post-ReLU hidden max-pooled over
/// positions, then <see cref="LatentAlignmentMetric"/>.
/// </summary>
public static class LatentAlignmentMeasurement
{
    const int Chunk = 256;

    public static LatentAlignment[] Measure(HierarchicalClassifier model, LatentTree tree, int samples, int seed, CorrelationKind kind,
        string run = "", long step = 0, CancellationToken cancellation = default)
    {
        if (samples < 2) throw JomaException.Argument("SamplesTooFew", $"-Samples must be 2 or more to correlate (got {samples}).");
        if (model.Options.Vocabulary != tree.Vocabulary)
            throw JomaException.Argument("TreeDoesNotMatchModel",
                $"The model reads {model.Options.Vocabulary} tokens but the tree has {tree.Vocabulary}. Pass the -LatentTree the model was trained on.");
        var device = model.parameters().First().device;
        int layers = Math.Min(model.Options.Layers, tree.Layers.Count);
        var random = new Random(seed);
        var pooled = Enumerable.Range(0, layers).Select(_ => new List<Tensor>()).ToArray();
        var active = Enumerable.Range(0, layers).Select(_ => new List<Tensor>()).ToArray();
        bool wasTraining = model.training;
        model.eval();
        using var scope = NewDisposeScope();
        try
        {
            using (no_grad())
            {
                for (int done = 0; done < samples; done += Chunk)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var batch = LatentBatch.Draw(tree, Math.Min(Chunk, samples - done), random);
                    var (_, hidden) = model.Forward(batch.TokenTensor(device));
                    for (int l = 0; l < layers; l++)
                    {
                        pooled[l].Add(hidden[l].amax([1L]).cpu());                     // [b, F]: max over positions
                        active[l].Add(batch.ActiveTensor(l));                           // [b, n_l]
                    }
                }
            }
            return Enumerable.Range(0, layers).Select(l =>
            {
                var (best, node) = LatentAlignmentMetric.BestPerLatent(cat(pooled[l], 0), cat(active[l], 0), kind);
                return new LatentAlignment
                {
                    Run = run, Step = step, Layer = l, Score = LatentAlignmentMetric.Score(best), Correlation = kind.ToString(),
                    Latents = best.Length, AlignedLatents = best.Count(b => b > LatentAlignmentMetric.Threshold),
                    PerLatentCorrelation = new(best), BestNode = new(node), Samples = samples,
                };
            }).ToArray();
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>The full table: one row per latent of each layer.</summary>
    public static IEnumerable<LatentCorrelation> PerLatent(LatentAlignment layer) =>
        Enumerable.Range(0, layer.Latents).Select(k => new LatentCorrelation
        {
            Run = layer.Run, Step = layer.Step, Layer = layer.Layer, Latent = k, Correlation = layer.PerLatentCorrelation[k],
            HiddenNode = layer.BestNode[k], Aligned = layer.PerLatentCorrelation[k] > LatentAlignmentMetric.Threshold, Kind = layer.Correlation,
        });
}
