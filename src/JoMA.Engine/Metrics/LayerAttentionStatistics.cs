namespace JoMA.Engine.Metrics;

/// <summary>Sparsity of one layer: over head-averaged rows (the paper's layer entropy) and per head.</summary>
public sealed record LayerAttentionStatistics(int Layer, AttentionRowStatistics HeadAveraged, AttentionRowStatistics[] PerHead)
{
    /// <summary>Readable in Select-Object * and Format-List (not a record dump): "layer 0: H 1.234 (0.87 of max), 2 heads".</summary>
    public override string ToString() => $"layer {Layer}: {HeadAveraged}, {PerHead.Length} head(s)";
}
