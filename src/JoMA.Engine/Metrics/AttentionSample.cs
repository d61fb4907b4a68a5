namespace JoMA.Engine.Metrics;

/// <summary>
/// Attention of one window of text through a model (a checkpoint, or a training run's probe batch):
/// per-layer sparsity statistics always, and the causal probability maps unless they were reduced away.
/// </summary>
public sealed class AttentionSample
{
    /// <summary>Where the attention came from: a checkpoint folder, or a training run.</summary>
    public string? Source { get; init; }
    public string? Model { get; init; }
    public string? Revision { get; init; }
    public string? Run { get; init; }
    public long? Step { get; init; }
    public int Window { get; init; }
    public int[] TokenIds { get; init; } = Array.Empty<int>();
    public string[]? Tokens { get; init; }
    /// <summary>The model's heads per layer (the statistics always cover all of them).</summary>
    public int Heads { get; init; }
    /// <summary>The heads whose maps <see cref="Probabilities"/> holds, in order; null = all <see cref="Heads"/>.</summary>
    public int[]? KeptHeads { get; init; }
    /// <summary>Query (= key) positions per map.</summary>
    public int Length { get; init; }
    /// <summary>Sequences in the sample (1 for a text window; the probe batch size for training).</summary>
    public int Sequences { get; init; } = 1;
    /// <summary>The layer indices present, in order.</summary>
    public int[] Layers { get; init; } = Array.Empty<int>();
    /// <summary>Per present layer: [Sequences, kept heads, Length, Length] row-major, causal. Null when reduced.</summary>
    public float[][]? Probabilities { get; init; }
    /// <summary>Per present layer: sparsity of head-averaged rows and of each head.</summary>
    public LayerAttentionStatistics[] Statistics { get; init; } = Array.Empty<LayerAttentionStatistics>();

    /// <summary>The [Length, Length] map of one layer (index into <see cref="Layers"/> by layer number), head and sequence.</summary>
    /// <summary>Readable in Select-Object * and Format-List: what the sample is, not its type name.</summary>
    public override string ToString() =>
        $"{Run ?? Model ?? Source ?? "attention"}{(Step is { } step ? $" step {step}" : "")}: {Layers.Length} layer(s) × {Heads} head(s), {Length} tokens";

    public double[,] Map(int layer, int head, int sequence = 0)
    {
        int index = Array.IndexOf(Layers, layer);
        if (index < 0 || Probabilities is null)
            throw JomaException.Argument("AttentionMapMissing", $"Layer {layer} has no map in this sample (present: {string.Join(", ", Layers)}; reduced samples keep none).");
        if (head < 0 || head >= Heads) throw JomaException.Argument("HeadOutOfRange", $"Head {head} is outside 0..{Heads - 1}.");
        int kept = KeptHeads is null ? head : Array.IndexOf(KeptHeads, head);
        if (kept < 0) throw JomaException.Argument("AttentionMapMissing", $"Head {head} has no map in this sample (kept heads: {string.Join(", ", KeptHeads!)}).");
        int keptCount = KeptHeads?.Length ?? Heads;
        var map = new double[Length, Length];
        long offset = ((long)sequence * keptCount + kept) * Length * Length;
        for (int q = 0; q < Length; q++)
            for (int k = 0; k < Length; k++) map[q, k] = Probabilities[index][offset + q * Length + k];
        return map;
    }
}
