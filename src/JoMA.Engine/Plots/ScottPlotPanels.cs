using ScottPlot;

namespace JoMA.Engine.Plots;

/// <summary>Turns one panel of the plot model into a styled ScottPlot <see cref="Plot"/>.</summary>
static class ScottPlotPanels
{
    /// <summary>Beyond this many lines the legend moves outside the data area, so it never hides the curves.</summary>
    const int InsideLegendLimit = 5;
    /// <summary>Beyond this many tokens only every k-th is labelled, so labels stay readable.</summary>
    const int MaximumTickLabels = 40;

    public static Plot Create(PlotPanel panel, string? figureTitle)
    {
        var plot = new Plot();
        plot.Font.Set(PlotFont.Family);
        plot.Title(figureTitle is null ? panel.Title : $"{figureTitle}\n{panel.Title}".Trim(), size: 16);
        switch (panel)
        {
            case LinePanel lines: AddLines(plot, lines); break;
            case HeatmapPanel heatmap: AddHeatmap(plot, heatmap); break;
            default: throw new ArgumentException($"Unknown panel {panel.GetType().Name}.");
        }
        return plot;
    }

    static void AddLines(Plot plot, LinePanel panel)
    {
        plot.XLabel(panel.XLabel, size: 14);
        plot.YLabel(panel.YLabel, size: 14);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < panel.Series.Count; i++)
        {
            var series = panel.Series[i];
            var line = plot.Add.ScatterLine(series.X, series.Y, palette.GetColor(i));
            line.LineWidth = panel.Markers ? 0 : 2;
            line.MarkerSize = panel.Markers ? 5 : series.X.Length == 1 ? 6 : 0; // a lone point would otherwise be invisible
            line.LegendText = series.Label;
        }
        plot.Legend.SetBestFontOnEachRender = false;
        plot.Legend.FontName = PlotFont.Family;
        plot.Axes.Margins(horizontal: 0.02, vertical: 0.08);
        if (panel.Series.Count <= 1) plot.HideLegend();
        else if (panel.Series.Count <= InsideLegendLimit && EmptiestCorner(panel.Series) is { } corner) plot.ShowLegend(corner);
        else plot.ShowLegend(Edge.Right);
    }

    /// <summary>The inside corner whose quarter of the data area no point falls in, so the legend hides no curve; null if none is free.</summary>
    static Alignment? EmptiestCorner(IReadOnlyList<PlotSeries> series)
    {
        var points = series.SelectMany(s => s.X.Zip(s.Y)).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToList();
        if (points.Count == 0) return Alignment.UpperRight;
        double xMin = points.Min(p => p.First), xSpan = Math.Max(1e-300, points.Max(p => p.First) - xMin);
        double yMin = points.Min(p => p.Second), ySpan = Math.Max(1e-300, points.Max(p => p.Second) - yMin);
        var corners = new (Alignment Corner, bool Right, bool Upper)[]
        {
            (Alignment.UpperRight, true, true), (Alignment.UpperLeft, false, true), (Alignment.LowerRight, true, false), (Alignment.LowerLeft, false, false),
        };
        foreach (var (corner, right, upper) in corners)
        {
            bool occupied = points.Any(p =>
            {
                double x = (p.First - xMin) / xSpan, y = (p.Second - yMin) / ySpan;
                return (right ? x > 0.6 : x < 0.4) && (upper ? y > 0.55 : y < 0.45);
            });
            if (!occupied) return corner;
        }
        return null;
    }

    static void AddHeatmap(Plot plot, HeatmapPanel panel)
    {
        int rows = panel.Values.GetLength(0), columns = panel.Values.GetLength(1);
        var heatmap = plot.Add.Heatmap(panel.Values);
        heatmap.Colormap = panel.Diverging ? new ScottPlot.Colormaps.Balance() : new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(panel.Minimum, panel.Maximum);
        // Cell (r, c) covers x in [c, c+1) and y in [rows-1-r, rows-r): row 0 at the top, like a printed matrix.
        heatmap.Rectangle = new CoordinateRect(0, columns, 0, rows);
        var colorBar = plot.Add.ColorBar(heatmap);
        // ScottPlot's default tick density on a colour bar crowds its label; six ticks read well.
        colorBar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { MaxTickCount = 6 };
        colorBar.Label = panel.ColorLabel;
        colorBar.LabelStyle.FontName = PlotFont.Family;
        colorBar.LabelStyle.FontSize = 13;

        plot.XLabel(panel.XLabel, size: 14);
        plot.YLabel(panel.YLabel, size: 14);
        SetTicks(plot.Axes.Bottom, columns, panel.ColumnLabels, c => c + 0.5, rotate: panel.ColumnLabels is not null);
        SetTicks(plot.Axes.Left, rows, panel.RowLabels, r => rows - r - 0.5, rotate: false);
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.HideGrid();
    }

    static void SetTicks(IAxis axis, int count, IReadOnlyList<string>? labels, Func<int, double> position, bool rotate)
    {
        int every = Math.Max(1, (int)Math.Ceiling(count / (double)MaximumTickLabels));
        var indices = Enumerable.Range(0, count).Where(i => i % every == 0).ToArray();
        axis.SetTicks(indices.Select(position).ToArray(), indices.Select(i => labels is null ? i.ToString() : labels[i]).ToArray());
        axis.TickLabelStyle.FontName = PlotFont.Family;
        axis.TickLabelStyle.FontSize = labels is null ? 12 : 11;
        if (rotate && axis is ScottPlot.AxisPanels.AxisBase panel)
        {
            axis.TickLabelStyle.Rotation = -90;
            axis.TickLabelStyle.Alignment = Alignment.MiddleRight;
            // ScottPlot sizes the axis for upright labels; make room for the longest rotated one and the axis title.
            using var font = new SkiaSharp.SKFont(PlotFont.Regular, axis.TickLabelStyle.FontSize);
            panel.MinimumSize = indices.Max(i => font.MeasureText(labels![i])) + 40;
        }
    }
}
