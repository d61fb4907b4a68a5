namespace JoMA.Engine.Plots;

/// <summary>One sub-chart of a figure, with its own title and axes.</summary>
public abstract record PlotPanel(string Title);

/// <summary>Lines against a shared x axis (metric vs step, trajectories vs time), or with <paramref name="Markers"/> unjoined points (scatter).</summary>
public sealed record LinePanel(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool Markers = false) : PlotPanel(Title);

/// <summary>
/// A matrix drawn as coloured cells: row i at the top for i = 0, column j left to right. Labels name rows and
/// columns (tokens); null labels mean plain indices. The colour scale spans [Minimum, Maximum].
/// </summary>
public sealed record HeatmapPanel(
    string Title, double[,] Values, string XLabel, string YLabel, string ColorLabel,
    IReadOnlyList<string>? RowLabels, IReadOnlyList<string>? ColumnLabels,
    double Minimum, double Maximum, bool Diverging) : PlotPanel(Title);
