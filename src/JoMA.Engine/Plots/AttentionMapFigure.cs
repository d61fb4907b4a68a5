using JoMA.Engine.Metrics;
using JoMA.Engine.Training;

namespace JoMA.Engine.Plots;

/// <summary>The causal attention map of one layer and head (or the mean over heads) per sample, queries down, keys across, labelled by token.</summary>
static class AttentionMapFigure
{
    public static PlotFigure Build(IReadOnlyList<PlotItem> items, PlotRequest request)
    {
        var samples = items.Select(i => i.Value switch
        {
            AttentionSample s => s,
            JomaTrainingSnapshot { Attention: { } s } => s,
            _ => throw JomaException.Argument("PlotAttentionMissing", "A training snapshot without a probe attention sample cannot be drawn as a map. Pipe AttentionSample objects (Get-JomaAttention) or snapshots from Start-JomaTraining."),
        }).ToList();
        var panels = new List<PlotPanel>();
        foreach (var sample in samples)
        {
            if (request.Sequence < 0 || request.Sequence >= sample.Sequences)
                throw JomaException.Argument("SequenceOutOfRange", $"Sequence {request.Sequence} is outside 0..{sample.Sequences - 1} of this attention sample. Give -Sequence in that range.");
            if (request.Head < -1 || request.Head >= sample.Heads)
                throw JomaException.Argument("HeadOutOfRange", $"Head {request.Head} is outside 0..{sample.Heads - 1}. Give -Head in that range, or -1 for the mean over heads.");
            var map = request.Head >= 0 ? sample.Map(request.Layer, request.Head, request.Sequence) : MeanOverHeads(sample, request.Layer, request.Sequence);
            string head = request.Head >= 0 ? $"head {request.Head}" : "mean of heads";
            string step = sample.Step is long s ? $", step {s}" : "";
            panels.Add(new HeatmapPanel($"layer {request.Layer}, {head}{step}", map, "key token", "query token", "attention probability",
                TokensOf(sample, request.Sequence), TokensOf(sample, request.Sequence), 0, Math.Max(1e-12, Max(map)), Diverging: false));
        }
        var source = samples[0].Run ?? samples[0].Model ?? (samples[0].Source is { } src ? Path.GetFileName(src.TrimEnd('/', '\\')) : null);
        var title = request.Title ?? $"Attention map{(source is null ? "" : $" of {source}")}";
        return new PlotFigure(title, panels);
    }

    static double[,] MeanOverHeads(AttentionSample sample, int layer, int sequence)
    {
        var mean = new double[sample.Length, sample.Length];
        for (int h = 0; h < sample.Heads; h++)
        {
            var map = sample.Map(layer, h, sequence);
            for (int q = 0; q < sample.Length; q++)
                for (int k = 0; k < sample.Length; k++) mean[q, k] += map[q, k] / sample.Heads;
        }
        return mean;
    }

    /// <summary>The tokens of one sequence (samples keep the tokens of all sequences one after another); null when absent.</summary>
    static string[]? TokensOf(AttentionSample sample, int sequence)
    {
        if (sample.Tokens is not { } tokens) return null;
        if (tokens.Length >= (sequence + 1) * sample.Length) return tokens[(sequence * sample.Length)..((sequence + 1) * sample.Length)];
        return null;
    }

    static double Max(double[,] values)
    {
        double max = 0;
        foreach (var v in values) if (double.IsFinite(v)) max = Math.Max(max, v);
        return max;
    }
}
