namespace JoMA.Engine.Plots;

/// <summary>One line of a chart: points (X[i], Y[i]) in drawing order, named in the legend by Label.</summary>
public sealed record PlotSeries(string Label, double[] X, double[] Y);
