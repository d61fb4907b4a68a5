using JoMA.Engine.Metrics;
using JoMA.Engine.Models;
using JoMA.Engine.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>What one pass over the validation split measured.</summary>
public sealed record EvaluationResult(double Loss, LayerAttentionStatistics[] Layers, double[] StableRank, AttentionSample Probe);

/// <summary>
/// Evaluates a model on the whole validation split with dropout off: the reference's loss (token mean),
/// the paper's attention statistics per layer accumulated on the device over every window, the stable rank
/// of each lower MLP weight, and the attention of a fixed probe batch (the first validation windows).
/// </summary>
public static class Evaluator
{
    /// <summary>The validation loss alone (no attention capture, no statistics): the baseline the full evaluation is compared with.</summary>
    public static double ValidationLoss(TransformerLanguageModel model, LanguageModelBatches validation, Device device, CancellationToken cancellation = default)
    {
        model.eval();
        try
        {
            using var noGrad = no_grad();
            double lossSum = 0;
            long tokens = 0;
            foreach (var start in validation.WindowStarts())
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (loss, count) = WindowLoss(model, validation, start, device);
                lossSum += loss;
                tokens += count;
            }
            return lossSum / tokens;
        }
        finally { model.train(); }
    }

    /// <summary>Summed cross-entropy of one validation window and its token count.</summary>
    static (double Loss, long Tokens) WindowLoss(TransformerLanguageModel model, LanguageModelBatches validation, int start, Device device)
    {
        var (inputIds, targetIds, length) = validation.Window(start);
        var inputs = tensor(inputIds, new long[] { length, validation.Columns }, dtype: ScalarType.Int32).to(ScalarType.Int64).to(device);   // [T, B]
        var targets = tensor(targetIds, new long[] { length * validation.Columns }, dtype: ScalarType.Int32).to(ScalarType.Int64).to(device);
        var logits = model.forward(inputs);                                                                                                   // [T, B, V]
        var loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), targets, reduction: nn.Reduction.Sum);
        return (loss.to_type(ScalarType.Float64).item<double>(), (long)length * validation.Columns);
    }

    public static EvaluationResult Evaluate(TransformerLanguageModel model, LanguageModelBatches validation, Vocabulary vocabulary,
        Device device, int probeWindows, string run, long step, CancellationToken cancellation)
    {
        model.eval();
        model.CaptureAttention = true;
        try
        {
            using var noGrad = no_grad();
            var blocks = model.Blocks;
            int heads = model.Options.Heads;
            var accumulators = Enumerable.Range(0, blocks.Count).Select(l => new AttentionMapAccumulator(l, heads)).ToArray();
            var probeMaps = blocks.Select(_ => new List<Tensor>()).ToArray();
            var probeTokens = new List<int>();
            int probeSequences = 0;
            double lossSum = 0;
            long tokens = 0;
            using var probeScope = NewDisposeScope();
            foreach (var start in validation.WindowStarts())
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (loss, count) = WindowLoss(model, validation, start, device);
                lossSum += loss;
                tokens += count;
                int length = (int)(count / validation.Columns);
                bool probe = start / validation.Bptt < probeWindows && length == validation.Bptt;
                for (int l = 0; l < blocks.Count; l++)
                {
                    var p = blocks[l].Attention.LastProbabilities!;                                                                                // [B, H, T, T]
                    accumulators[l].Add(p);
                    if (probe) probeMaps[l].Add(p.cpu().clone().MoveToOuterDisposeScope()); // a copy: the module frees its own at the next forward
                }
                if (probe)
                {
                    probeSequences += validation.Columns;
                    var inputIds = validation.Window(start).Inputs;
                    for (int c = 0; c < validation.Columns; c++)
                        for (int t = 0; t < length; t++) probeTokens.Add(inputIds[t * validation.Columns + c]);
                }
            }
            var layers = accumulators.Select(a => a.Result()).ToArray();
            var stableRank = blocks.Select(b => StableRankValue.Of(b.LowerMlpWeight).StableRank).ToArray();
            var probeSample = Probe(probeMaps, probeTokens, probeSequences, heads, validation.Bptt, vocabulary, run, step);
            return new EvaluationResult(lossSum / tokens, layers, stableRank, probeSample);
        }
        finally
        {
            model.CaptureAttention = false;
            model.train();
        }
    }

    static AttentionSample Probe(List<Tensor>[] maps, List<int> tokenIds, int sequences, int heads, int length, Vocabulary vocabulary, string run, long step)
    {
        var probabilities = maps.Select(windows => windows.Count == 0 ? Array.Empty<float>() : cat(windows.ToArray(), 0).data<float>().ToArray()).ToArray();
        var statistics = maps.Select((windows, l) =>
        {
            var accumulator = new AttentionMapAccumulator(l, heads);
            foreach (var w in windows) accumulator.Add(w);
            return accumulator.Result();
        }).ToArray();
        return new AttentionSample
        {
            Source = run, Run = run, Step = step, Window = 0, TokenIds = tokenIds.ToArray(),
            Tokens = tokenIds.Select(id => vocabulary.Tokens[id]).ToArray(), Heads = heads, Length = length, Sequences = sequences,
            Layers = Enumerable.Range(0, maps.Length).ToArray(), Probabilities = probabilities, Statistics = statistics,
        };
    }
}
