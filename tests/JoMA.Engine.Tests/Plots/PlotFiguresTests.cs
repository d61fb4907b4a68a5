using JoMA.Engine.Plots;

namespace JoMA.Engine.Tests.Plots;

/// <summary>How input objects become a plot model, and the errors that say what to pipe instead.</summary>
public sealed class PlotFiguresTests
{
    static JomaException Error(Action action) => Assert.Throws<JomaException>(action);

    [Fact]
    public void Snapshots_give_one_line_per_layer_against_training_step()
    {
        var figure = PlotFigures.Build(PlotSamples.Snapshots(), new PlotRequest());
        var panel = Assert.IsType<LinePanel>(Assert.Single(figure.Panels));
        Assert.Equal(new[] { "layer 0", "layer 1", "layer 2" }, panel.Series.Select(s => s.Label));
        Assert.Equal(1900, panel.Series[0].X[^1]);
        Assert.Equal("attention entropy (nats)", panel.YLabel);
        Assert.Equal("training step (minibatches)", panel.XLabel);
        Assert.Equal("Attention entropy per layer vs training step", figure.Title);
    }

    [Fact]
    public void A_scalar_metric_of_several_runs_gives_one_line_per_run()
    {
        var items = PlotSamples.Snapshots("a").Concat(PlotSamples.Snapshots("b")).ToList();
        var panel = (LinePanel)PlotFigures.Build(items, new PlotRequest { Metrics = new[] { "ValidationLoss" } }).Panels[0];
        Assert.Equal(new[] { "a", "b" }, panel.Series.Select(s => s.Label));
        Assert.Equal("validation loss (nats/token)", panel.YLabel);
    }

    [Fact]
    public void One_row_per_layer_results_give_one_line_per_layer()
    {
        var ranks = Enumerable.Range(0, 3).SelectMany(step => Enumerable.Range(0, 2).Select(layer =>
            new PlotItem(new JoMA.Engine.Metrics.StableRankResult { Run = "r", Step = step * 10, Layer = layer, Matrix = "linear1", StableRank = 5 - step + layer }))).ToList();
        var rankPanel = (LinePanel)PlotFigures.Build(ranks, new PlotRequest()).Panels[0];
        Assert.Equal(new[] { "layer 0", "layer 1" }, rankPanel.Series.Select(s => s.Label));
        Assert.Equal(new double[] { 5, 4, 3 }, rankPanel.Series[0].Y);
        Assert.StartsWith("stable rank", rankPanel.YLabel);

        var sparsity = Enumerable.Range(0, 4).SelectMany(t => new[] { -1, 0 }.Select(head =>
            new PlotItem(new JoMA.Engine.Metrics.AttentionSparsity { System = "Linear", Time = t * 0.5, Step = t, Layer = 0, Head = head, Entropy = 2 - 0.1 * t }))).ToList();
        var figure = PlotFigures.Build(sparsity, new PlotRequest());
        var sparsityPanel = (LinePanel)figure.Panels[0];
        Assert.Equal(new[] { "mean of heads", "head 0" }, sparsityPanel.Series.Select(s => s.Label));
        Assert.Equal(new[] { 0, 0.5, 1, 1.5 }, sparsityPanel.Series[0].X);
        Assert.Equal("Attention entropy vs time t", figure.Title);
    }

    [Fact]
    public void Attention_map_of_a_later_sequence_uses_that_sequences_tokens()
    {
        var one = PlotSamples.Attention(length: 3, heads: 1);
        var two = new JoMA.Engine.Metrics.AttentionSample
        {
            Heads = 1, Length = 3, Sequences = 2, Layers = new[] { 0 }, Tokens = new[] { "a", "b", "c", "x", "y", "z" }, TokenIds = new int[6],
            Probabilities = new[] { one.Probabilities![0].Concat(one.Probabilities[0]).ToArray() },
        };
        var panel = (HeatmapPanel)PlotFigures.Build(new[] { new PlotItem(two) }, new PlotRequest { Sequence = 1 }).Panels[0];
        Assert.Equal(new[] { "x", "y", "z" }, panel.RowLabels);
        Assert.Equal("SequenceOutOfRange", Error(() => PlotFigures.Build(new[] { new PlotItem(two) }, new PlotRequest { Sequence = 2 })).ErrorId);
    }

    [Fact]
    public void Dynamics_samples_are_drawn_against_time_per_system()
    {
        var figure = PlotFigures.Build(PlotSamples.Dynamics(systems: 2), new PlotRequest());
        var panel = (LinePanel)Assert.Single(figure.Panels);
        Assert.Equal(new[] { "system 0 (NonlinearSoftmax)", "system 1 (NonlinearSoftmax)" }, panel.Series.Select(s => s.Label));
        Assert.Equal("time t (ODE time units)", panel.XLabel);
        var components = PlotFigures.Build(PlotSamples.Dynamics(systems: 2), new PlotRequest { Metrics = new[] { "V" } });
        Assert.Equal(2, components.Panels.Count);
        Assert.Equal(new[] { "v_1", "v_2", "v_3" }, ((LinePanel)components.Panels[0]).Series.Select(s => s.Label));
    }

    [Fact]
    public void Empty_mixed_and_unplottable_input_are_refused_with_what_to_pipe()
    {
        Assert.Equal("PlotInputEmpty", Error(() => PlotFigures.Build(Array.Empty<PlotItem>(), new PlotRequest())).ErrorId);
        var unplottable = Error(() => PlotFigures.Build(new[] { new PlotItem("text") }, new PlotRequest()));
        Assert.Equal("PlotInputUnsupported", unplottable.ErrorId);
        Assert.Contains("Pipe Invoke-JomaDynamics", unplottable.Message);
        var mixed = PlotSamples.Snapshots().Concat(PlotSamples.Invariants()).ToList();
        Assert.Equal("PlotInputMixed", Error(() => PlotFigures.Build(mixed, new PlotRequest())).ErrorId);
        Assert.Equal("PlotInputUnsupported", Error(() => PlotFigures.Build(PlotSamples.Snapshots(), new PlotRequest { Kind = PlotKind.Matrix })).ErrorId);
    }

    [Fact]
    public void Matrix_needs_state_and_existing_steps()
    {
        var noState = Error(() => PlotFigures.Build(PlotSamples.Invariants(withState: false), new PlotRequest { Kind = PlotKind.Matrix }));
        Assert.Equal("PlotStateMissing", noState.ErrorId);
        Assert.Contains("-IncludeState", noState.Message);
        var missing = Error(() => PlotFigures.Build(PlotSamples.Invariants(), new PlotRequest { Kind = PlotKind.Matrix, Steps = new long[] { 150 } }));
        Assert.Equal("PlotStepMissing", missing.ErrorId);
        Assert.Contains("0, 100, 200", missing.Message);
    }

    [Fact]
    public void Unknown_metric_lists_the_metrics_there_are()
    {
        var e = Error(() => PlotFigures.Build(PlotSamples.Snapshots(), new PlotRequest { Metrics = new[] { "Entropie" } }));
        Assert.Equal("PlotMetricUnknown", e.ErrorId);
        Assert.Contains("LayerEntropy", e.Message);
        Assert.Contains("ValidationLoss", e.Message);
    }

    [Fact]
    public void Attention_map_checks_layer_and_head()
    {
        var items = new[] { new PlotItem(PlotSamples.Attention()) };
        Assert.Equal("HeadOutOfRange", Error(() => PlotFigures.Build(items, new PlotRequest { Head = 2 })).ErrorId);
        Assert.Equal("AttentionMapMissing", Error(() => PlotFigures.Build(items, new PlotRequest { Layer = 3 })).ErrorId);
    }

    [Theory]
    [InlineData("a.png", PlotFormat.Png)]
    [InlineData("b.SVG", PlotFormat.Svg)]
    public void Format_comes_from_the_extension(string path, PlotFormat format) => Assert.Equal(format, PlotFormats.FromPath(path));

    [Fact]
    public void Unknown_extensions_and_sizes_are_refused()
    {
        Assert.Equal("PlotFormatUnknown", Error(() => PlotFormats.FromPath("fig.jpg")).ErrorId);
        var figure = PlotFigures.Build(PlotSamples.Snapshots(), new PlotRequest());
        Assert.Equal("PlotSizeOutOfRange", Error(() => PlotRenderer.Write(figure, Stream.Null, PlotFormat.Png, 50, 500)).ErrorId);
    }
}
