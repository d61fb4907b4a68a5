namespace JoMA.Engine.Models;

/// <summary>How Get-JomaAttention cuts token ids into windows and what it keeps of each window's attention.</summary>
public sealed record AttentionExtractionOptions
{
    /// <summary>Tokens per window; null = the model's max_position_embeddings.</summary>
    public int? WindowLength { get; init; }
    /// <summary>Stop after this many windows; null = all.</summary>
    public int? MaxWindows { get; init; }
    /// <summary>Layers to keep (maps and statistics); null = all.</summary>
    public int[]? Layers { get; init; }
    /// <summary>Heads whose maps are kept; null = all. Statistics always cover every head.</summary>
    public int[]? Heads { get; init; }
    /// <summary>Keep statistics only: each layer's maps are reduced and freed before the next layer runs.</summary>
    public bool ReduceOnly { get; init; }
    /// <summary>Query rows per attention block; null = about 4M probabilities (16 MB) per block.</summary>
    public int? QueryBlockRows { get; init; }
}
