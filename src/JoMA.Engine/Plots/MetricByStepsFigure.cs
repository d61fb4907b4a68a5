using System.Globalization;
using JoMA.Engine.Joint;
using JoMA.Engine.Metrics;
using JoMA.Engine.Training;

namespace JoMA.Engine.Plots;

/// <summary>
/// A metric against training step (or time): one line per layer for per-layer values (LayerEntropy, StableRank of a
/// snapshot) or per distinct identity (Layer, Head, Run, System …) for one-row-per-layer results, one panel per group.
/// </summary>
static class MetricByStepsFigure
{
    /// <summary>Properties that tell one curve from another; only those that vary within a panel name the lines.</summary>
    internal static readonly string[] Identity = { "Run", "Source", "Model", "Revision", "System", "Index", "Variant", "Seed", "Matrix", "Predictor", "Metric", "Layer", "Head" };

    public static string DefaultMetric(Type type) => type switch
    {
        _ when type == typeof(JomaTrainingSnapshot) => "LayerEntropy",
        _ when type == typeof(AttentionSparsity) => "Entropy",
        _ when type == typeof(StableRankResult) => "StableRank",
        _ when type == typeof(JomaInvariantSample) => "Correlation",
        _ when type == typeof(Theory.PredictionScore) => "Median",
        _ => "Entropy",
    };

    public static PlotFigure Build(IReadOnlyList<PlotItem> items, PlotRequest request)
    {
        var type = items[0].Value.GetType();
        var metrics = request.Metrics.Count > 0 ? request.Metrics : new[] { DefaultMetric(type) };
        foreach (var metric in metrics)
            if (PropertyReader.Find(type, metric) is null)
                throw JomaException.Argument("PlotMetricUnknown",
                    $"{type.Name} has no property '{metric}'. Give -Metric one of: {string.Join(", ", NumericProperties(type))}.");
        var (xName, xLabel) = XAxis(items);
        var panels = items.GroupBy(i => i.Group).Select(group =>
        {
            var series = SeriesOf(group.ToList(), metrics, xName);
            if (series.Count == 0)
                throw JomaException.Argument("PlotNoValues", $"No input object has a value for {string.Join(", ", metrics)}. Pipe objects that carry it, or choose another -Metric.");
            return (PlotPanel)new LinePanel(group.Key ?? "", xLabel, MetricLabels.Axis(metrics), series);
        }).ToList();
        bool perLayer = panels.Cast<LinePanel>().Any(p => p.Series.Any(s => s.Label.Contains("layer ", StringComparison.Ordinal)));
        string what = metrics.Count == 1 ? MetricLabels.Name(metrics[0]) : Capitalised(MetricLabels.Axis(metrics));
        var title = request.Title ?? $"{what}{(perLayer ? " per layer" : "")} vs {xLabel.Split(" (")[0]}";
        return new PlotFigure(title, panels);
    }

    /// <summary>Time when the rows carry it (dynamics), else Step, else the position in the input.</summary>
    static (string? Name, string Label) XAxis(IReadOnlyList<PlotItem> items)
    {
        var type = items[0].Value.GetType();
        if (PropertyReader.Find(type, "Time") is not null && items.All(i => PropertyReader.Number(PropertyReader.Read(i.Value, "Time")) is not null))
            return ("Time", "time t (ODE time units)");
        if (PropertyReader.Find(type, "Step") is not null && items.All(i => PropertyReader.Number(PropertyReader.Read(i.Value, "Step")) is not null))
            return ("Step", type == typeof(JomaInvariantSample) ? "gradient step" : "training step (minibatches)");
        return (null, "input order");
    }

    static List<PlotSeries> SeriesOf(List<PlotItem> items, IReadOnlyList<string> metrics, string? xName)
    {
        var type = items[0].Value.GetType();
        var varying = Identity.Where(p => PropertyReader.Find(type, p) is not null)
            .Where(p => items.Select(i => Text(PropertyReader.Read(i.Value, p))).Distinct().Count() > 1).ToList();
        var points = new Dictionary<string, List<(double X, double Y)>>();
        var order = new List<string>();
        void Add(string label, double x, double y)
        {
            if (!points.TryGetValue(label, out var list)) { points[label] = list = new(); order.Add(label); }
            list.Add((x, y));
        }
        for (int n = 0; n < items.Count; n++)
        {
            var item = items[n].Value;
            double x = xName is null ? n : PropertyReader.Number(PropertyReader.Read(item, xName))!.Value;
            var who = string.Join(", ", varying.Select(p => Describe(p, PropertyReader.Read(item, p))));
            foreach (var metric in metrics)
            {
                var value = PropertyReader.Read(item, metric);
                string Label(string? part) => string.Join(", ", new[] { metrics.Count > 1 ? MetricLabels.Legend(metric) : null, who, part }.Where(s => !string.IsNullOrEmpty(s)));
                if (PropertyReader.Number(value) is double y)
                {
                    if (double.IsFinite(y)) Add(Label(null) is { Length: > 0 } l ? l : MetricLabels.Name(metric), x, y);
                }
                else if (PropertyReader.Numbers(value) is { } perLayer)
                {
                    for (int layer = 0; layer < perLayer.Count; layer++)
                        if (double.IsFinite(perLayer[layer])) Add(Label($"layer {layer}"), x, perLayer[layer]);
                }
            }
        }
        return order.Select(label =>
        {
            var sorted = points[label].OrderBy(p => p.X).ToArray();
            return new PlotSeries(label, sorted.Select(p => p.X).ToArray(), sorted.Select(p => p.Y).ToArray());
        }).ToList();
    }

    internal static string Describe(string property, object? value) => property switch
    {
        "Layer" => $"layer {Text(value)}",
        "Head" => PropertyReader.Number(value) is < 0 ? "mean of heads" : $"head {Text(value)}",
        "Index" => $"system {Text(value)}",
        "Seed" => $"seed {Text(value)}",
        "Source" => Path.GetFileName(Text(value).TrimEnd('/', '\\')),
        _ => Text(value),
    };

    static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    internal static IEnumerable<string> NumericProperties(Type type) => type.GetProperties()
        .Where(p => Nullable.GetUnderlyingType(p.PropertyType) is { } u ? u == typeof(double) || u == typeof(long) || u == typeof(int) : p.PropertyType == typeof(double) || p.PropertyType == typeof(LayerValues))
        .Select(p => p.Name);
}
