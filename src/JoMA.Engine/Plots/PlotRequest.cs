namespace JoMA.Engine.Plots;

/// <summary>What the user asked to draw, beyond the input objects themselves.</summary>
public sealed record PlotRequest
{
    public PlotKind Kind { get; init; } = PlotKind.Auto;
    /// <summary>Property names to draw (MetricBySteps, Dynamics); empty: the input type's usual metric.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = Array.Empty<string>();
    public int Layer { get; init; }
    /// <summary>Attention head, or −1 for the mean over heads.</summary>
    public int Head { get; init; } = -1;
    public int Sequence { get; init; }
    /// <summary>Steps at which to draw the matrix; empty: the first and the last step that carry one.</summary>
    public IReadOnlyList<long> Steps { get; init; } = Array.Empty<long>();
    /// <summary>The figure title; null: a title that says what is drawn.</summary>
    public string? Title { get; init; }
    /// <summary>The property on the x axis of a Scatter plot.</summary>
    public string? X { get; init; }
}
