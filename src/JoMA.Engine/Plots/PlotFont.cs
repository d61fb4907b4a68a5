using SkiaSharp;

namespace JoMA.Engine.Plots;

/// <summary>
/// The font every chart is drawn with: Inter, shipped in fonts/ beside the engine (see PlotFont.targets), so labels
/// render the same on a headless machine without any installed fonts (libSkiaSharp here has no fontconfig).
/// </summary>
public static class PlotFont
{
    public const string Family = "Inter";
    static readonly object gate = new();
    static SKTypeface? regular, bold;

    public static SKTypeface Regular { get { EnsureLoaded(); return regular!; } }
    public static SKTypeface Bold { get { EnsureLoaded(); return bold!; } }

    /// <summary>Registers the shipped font with ScottPlot (once) and makes it the default for every plot.</summary>
    public static void EnsureLoaded()
    {
        lock (gate)
        {
            if (regular is not null) return;
            string folder = Path.Combine(Path.GetDirectoryName(typeof(PlotFont).Assembly.Location)!, "fonts");
            string regularPath = Path.Combine(folder, "Inter-Regular.ttf"), boldPath = Path.Combine(folder, "Inter-Bold.ttf");
            if (!File.Exists(regularPath) || !File.Exists(boldPath))
                throw new JomaException("PlotFontMissing", JomaErrorKind.ResourceUnavailable,
                    $"The chart font is missing from '{folder}' (Inter-Regular.ttf, Inter-Bold.ttf). Reinstall the module or rebuild it with ./build.ps1.");
            regular = SKTypeface.FromFile(regularPath) ?? throw new JomaException("PlotFontUnreadable", JomaErrorKind.ResourceUnavailable, $"'{regularPath}' is not a readable font. Reinstall the module.");
            bold = SKTypeface.FromFile(boldPath) ?? throw new JomaException("PlotFontUnreadable", JomaErrorKind.ResourceUnavailable, $"'{boldPath}' is not a readable font. Reinstall the module.");
            ScottPlot.Fonts.AddFontFile(Family, regularPath, bold: false, italic: false);
            ScottPlot.Fonts.AddFontFile(Family, boldPath, bold: true, italic: false);
            ScottPlot.Fonts.Default = Family;
            ScottPlot.Fonts.Sans = Family;
        }
    }
}
