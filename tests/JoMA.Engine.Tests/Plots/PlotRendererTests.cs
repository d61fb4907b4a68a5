using JoMA.Engine.Plots;

namespace JoMA.Engine.Tests.Plots;

/// <summary>Each chart kind rendered from hand-made data into real PNG and SVG files, checked by decoding them.</summary>
public sealed class PlotRendererTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("joma-plots-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string Render(IReadOnlyList<PlotItem> items, PlotRequest request, string name, int width = 800, int height = 500)
    {
        var path = Path.Combine(folder, name);
        PlotRenderer.Save(PlotFigures.Build(items, request), path, PlotFormats.FromPath(path), width, height);
        return path;
    }

    [Fact]
    public void Metric_by_steps_draws_one_coloured_line_per_layer_with_a_title()
    {
        var image = PlotImage.FromPng(Render(PlotSamples.Snapshots(), new PlotRequest(), "entropy.png"));
        Assert.Equal((800, 500), (image.Width, image.Height));
        Assert.InRange(image.InkFraction, 0.02, 0.6);
        Assert.True(image.ColourHues >= 3, $"expected three line colours, saw {image.ColourHues} hues");
        Assert.True(image.TitleInkFraction > 0.002, "the title rendered no text");
    }

    [Fact]
    public void Group_by_draws_panels_side_by_side_in_one_image()
    {
        var items = PlotSamples.Snapshots("lr-1e-3", 1e-3, "lr 1e-3").Concat(PlotSamples.Snapshots("lr-1e-4", 1e-4, "lr 1e-4")).ToList();
        var figure = PlotFigures.Build(items, new PlotRequest { Metrics = new[] { "StableRank" } });
        Assert.Equal(new[] { "lr 1e-3", "lr 1e-4" }, figure.Panels.Select(p => p.Title));
        var image = PlotImage.FromPng(Render(items, new PlotRequest { Metrics = new[] { "StableRank" } }, "rank.png", 1200, 500));
        Assert.Equal((1200, 500), (image.Width, image.Height));
        Assert.True(image.ColourHues >= 3);
        Assert.True(image.TitleInkFraction > 0.002, "the figure title strip is blank");
    }

    [Fact]
    public void Dynamics_entropy_and_components_render()
    {
        var entropy = PlotImage.FromPng(Render(PlotSamples.Dynamics(systems: 2), new PlotRequest(), "fig4.png"));
        Assert.True(entropy.ColourHues >= 2);
        Assert.InRange(entropy.InkFraction, 0.02, 0.6);
        var components = PlotImage.FromPng(Render(PlotSamples.Dynamics(), new PlotRequest { Metrics = new[] { "V" } }, "v.png", 640, 480));
        Assert.Equal((640, 480), (components.Width, components.Height));
        Assert.True(components.ColourHues >= 3, "each component of V should have its own colour");
    }

    [Fact]
    public void Invariant_correlation_vs_step_renders_several_terms()
    {
        var request = new PlotRequest { Metrics = new[] { "Correlation", "CorrelationSquaredTerm", "CorrelationMeanTerm" } };
        var figure = PlotFigures.Build(PlotSamples.Invariants(), request);
        var panel = (LinePanel)figure.Panels[0];
        Assert.Equal(new[] { "NC(z, ẑ): the invariant", "NC(z, ||V_m||²/2T)", "NC(z, −x̄_m ||W||²_F/2T)" }, panel.Series.Select(s => s.Label));
        Assert.Equal("normalised correlation NC", panel.YLabel);
        Assert.Equal("Normalised correlation NC vs gradient step", figure.Title);
        var image = PlotImage.FromPng(Render(PlotSamples.Invariants(), request, "fig2.png"));
        Assert.True(image.ColourHues >= 3);
    }

    [Fact]
    public void Attention_map_is_a_heatmap_with_token_labels()
    {
        var items = new[] { new PlotItem(PlotSamples.Attention()) };
        var figure = PlotFigures.Build(items, new PlotRequest { Head = 1 });
        var panel = Assert.IsType<HeatmapPanel>(Assert.Single(figure.Panels));
        Assert.Equal("cat", panel.ColumnLabels![1]);
        Assert.Equal(0, panel.Values[0, 1]); // causal: no attention to later keys
        var image = PlotImage.FromPng(Render(items, new PlotRequest { Head = 1 }, "attention.png", 700, 700));
        Assert.Equal((700, 700), (image.Width, image.Height));
        Assert.InRange(image.InkFraction, 0.2, 0.95);
        Assert.True(image.ColourHues >= 2, "a viridis map spans several hues");
        var svg = PlotImage.FromSvg(Render(items, new PlotRequest(), "attention.svg", 700, 700), 700, 700).ToString();
        Assert.Contains("warm", svg);
        Assert.Contains("mean of heads", svg);
    }

    [Fact]
    public void Matrix_draws_V_at_two_steps_on_one_scale()
    {
        var request = new PlotRequest { Steps = new long[] { 0, 2000 } };
        var figure = PlotFigures.Build(PlotSamples.Invariants(), request with { Kind = PlotKind.Matrix });
        Assert.Equal(new[] { "step 0", "step 2000" }, figure.Panels.Select(p => p.Title));
        var panels = figure.Panels.Cast<HeatmapPanel>().ToList();
        Assert.Equal(panels[0].Maximum, panels[1].Maximum);
        Assert.Equal(-panels[1].Maximum, panels[1].Minimum);
        var image = PlotImage.FromPng(Render(PlotSamples.Invariants(), request with { Kind = PlotKind.Matrix }, "fig3.png", 1000, 450));
        Assert.Equal((1000, 450), (image.Width, image.Height));
        Assert.True(image.ColourHues >= 2, "a diverging map shows both signs");
        Assert.InRange(image.InkFraction, 0.1, 0.95);
    }

    [Fact]
    public void Svg_is_well_formed_with_paths_and_the_title_text()
    {
        var path = Render(PlotSamples.Snapshots(), new PlotRequest { Title = "Entropy of wt2" }, "entropy.svg", 900, 400);
        var svg = PlotImage.FromSvg(path, 900, 400);
        Assert.True(svg.Descendants().Count(e => e.Name.LocalName is "path" or "polyline") >= 3);
        Assert.Contains("Entropy of wt2", string.Concat(svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value)));
    }

    [Fact]
    public void Saving_replaces_the_file_atomically_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(folder, "same.png");
        File.WriteAllText(path, "old");
        PlotRenderer.Save(PlotFigures.Build(PlotSamples.Snapshots(), new PlotRequest()), path, PlotFormat.Png, 300, 200);
        Assert.Equal((300, 200), (PlotImage.FromPng(path).Width, PlotImage.FromPng(path).Height));
        Assert.Equal(new[] { "same.png" }, Directory.GetFiles(folder).Select(Path.GetFileName));
    }
}
