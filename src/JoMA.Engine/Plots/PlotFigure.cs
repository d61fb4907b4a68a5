namespace JoMA.Engine.Plots;

/// <summary>What one image shows: a figure title over one or more panels laid out in a grid.</summary>
public sealed record PlotFigure(string Title, IReadOnlyList<PlotPanel> Panels);
