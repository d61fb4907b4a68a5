namespace JoMA.Engine.Plots;

/// <summary>The image format of a chart file.</summary>
public enum PlotFormat
{
    Png,
    Svg,
}

public static class PlotFormats
{
    /// <summary>The format a file name asks for by its extension (.png or .svg).</summary>
    public static PlotFormat FromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => PlotFormat.Png,
        ".svg" => PlotFormat.Svg,
        var other => throw JomaException.Argument("PlotFormatUnknown",
            $"Cannot tell the image format from the extension '{other}' of '{path}'. Name the file *.png or *.svg, or give -Format Png or -Format Svg."),
    };
}
