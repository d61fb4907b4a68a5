using System.Xml.Linq;
using SkiaSharp;

namespace JoMA.Engine.Tests.Plots;

/// <summary>What a test needs to know about a rendered chart: its size and how much of it is drawn, and in how many colours.</summary>
sealed class PlotImage
{
    public int Width { get; init; }
    public int Height { get; init; }
    /// <summary>Fraction of pixels that are not (near) white.</summary>
    public double InkFraction { get; init; }
    /// <summary>Distinct strongly coloured hues (line colours, heatmap colours), in 30° bins.</summary>
    public int ColourHues { get; init; }
    /// <summary>Fraction of dark (text-like) pixels in the top 8% of the image, where the title is.</summary>
    public double TitleInkFraction { get; init; }

    public static PlotImage FromPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG signature");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        long ink = 0, titleDark = 0, titlePixels = 0;
        var hues = new HashSet<int>();
        int titleRows = Math.Max(1, bitmap.Height * 8 / 100);
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 235 || c.Green < 235 || c.Blue < 235) ink++;
                c.ToHsv(out float hue, out float saturation, out float value);
                if (saturation > 50 && value > 30) hues.Add((int)(hue / 30));
                if (y < titleRows)
                {
                    titlePixels++;
                    if (c.Red < 100 && c.Green < 100 && c.Blue < 100) titleDark++;
                }
            }
        return new PlotImage
        {
            Width = bitmap.Width, Height = bitmap.Height, InkFraction = ink / (double)(bitmap.Width * bitmap.Height),
            ColourHues = hues.Count, TitleInkFraction = titleDark / (double)titlePixels,
        };
    }

    /// <summary>The SVG document, after checking it parses and has the requested size.</summary>
    public static XDocument FromSvg(string path, int width, int height)
    {
        var svg = XDocument.Load(path);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(width, double.Parse(svg.Root.Attribute("width")!.Value.Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(height, double.Parse(svg.Root.Attribute("height")!.Value.Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture));
        return svg;
    }
}
