using SkiaSharp;

namespace JoMA.Engine.Plots;

/// <summary>
/// Draws a <see cref="PlotFigure"/> with ScottPlot onto a Skia canvas (raster for PNG, vector for SVG): a figure title
/// strip when there are several panels, then the panels in a grid. Files are written to a temporary name beside the
/// target and renamed into place, so an interrupted export never leaves half an image.
/// </summary>
public static class PlotRenderer
{
    public const int MinimumSize = 100, MaximumSize = 10_000;
    const float FigureTitleHeight = 40;

    public static void Save(PlotFigure figure, string path, PlotFormat format, int width, int height)
    {
        FileWrites.WriteAtomically(path, temp =>
        {
            using var stream = File.Create(temp);
            Write(figure, stream, format, width, height);
        });
    }

    public static void Write(PlotFigure figure, Stream stream, PlotFormat format, int width, int height)
    {
        if (width < MinimumSize || width > MaximumSize || height < MinimumSize || height > MaximumSize)
            throw JomaException.Argument("PlotSizeOutOfRange", $"A chart of {width}×{height} pixels cannot be drawn. Give -Width and -Height between {MinimumSize} and {MaximumSize}.");
        if (figure.Panels.Count == 0)
            throw JomaException.Argument("PlotEmpty", "There is nothing to draw: the figure has no panels.");
        PlotFont.EnsureLoaded();
        if (format == PlotFormat.Png)
        {
            using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                ?? throw new JomaException("PlotSurfaceFailed", JomaErrorKind.ResourceUnavailable, $"Skia could not create a {width}×{height} image. Try a smaller -Width/-Height.");
            Draw(figure, surface.Canvas, width, height);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        }
        else
        {
            // The SVG canvas writes its document when disposed.
            using var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
            Draw(figure, canvas, width, height);
        }
    }

    static void Draw(PlotFigure figure, SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.White);
        int count = figure.Panels.Count;
        // One panel carries the figure title itself; several share a title strip above them.
        bool titleStrip = count > 1 && !string.IsNullOrEmpty(figure.Title);
        float top = titleStrip ? FigureTitleHeight : 0;
        if (titleStrip) DrawFigureTitle(canvas, figure.Title, width);
        var (rows, columns) = GridShape(count, width, height - top);
        float cellWidth = (float)width / columns, cellHeight = (height - top) / rows;
        for (int i = 0; i < count; i++)
        {
            int row = i / columns, column = i % columns;
            var plot = ScottPlotPanels.Create(figure.Panels[i], count == 1 && !string.IsNullOrEmpty(figure.Title) ? figure.Title : null);
            var rect = new ScottPlot.PixelRect(column * cellWidth, (column + 1) * cellWidth, top + (row + 1) * cellHeight, top + row * cellHeight);
            canvas.Save();
            canvas.ClipRect(new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom));
            plot.Render(canvas, rect);
            canvas.Restore();
        }
        canvas.Flush();
    }

    static void DrawFigureTitle(SKCanvas canvas, string title, int width)
    {
        using var font = new SKFont(PlotFont.Bold, 20);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, width / 2f, FigureTitleHeight * 0.7f, SKTextAlign.Center, font, paint);
    }

    /// <summary>Rows × columns for n panels, keeping panels close to the image's aspect ratio.</summary>
    internal static (int Rows, int Columns) GridShape(int count, float width, float height)
    {
        var best = (Rows: 1, Columns: count);
        double bestScore = double.MaxValue;
        for (int columns = 1; columns <= count; columns++)
        {
            int rows = (count + columns - 1) / columns;
            double aspect = width / columns / (height / rows);
            // Prefer panels about 1.4 wide per 1 tall, and few empty cells.
            double score = Math.Abs(Math.Log(aspect / 1.4)) + 0.3 * (rows * columns - count);
            if (score < bestScore) (bestScore, best) = (score, (rows, columns));
        }
        return best;
    }
}
