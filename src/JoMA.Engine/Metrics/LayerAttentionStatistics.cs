namespace JoMA.Engine.Metrics;

/// <summary>Sparsity of one layer: over head-averaged rows (the paper's layer entropy) and per head.</summary>
public sealed record LayerAttentionStatistics(int Layer, AttentionRowStatistics HeadAveraged, AttentionRowStatistics[] PerHead);
