namespace JoMA.Engine.Plots;

/// <summary>One input object to chart, with the panel it belongs to (null: the only panel).</summary>
public sealed record PlotItem(object Value, string? Group = null);
