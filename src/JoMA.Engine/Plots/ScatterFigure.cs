using System.Globalization;

namespace JoMA.Engine.Plots;

/// <summary>
/// One numeric property against another, a marker per input object (e.g. predicted against observed excess logits),
/// coloured by the identity properties that vary (Predictor, Run, Layer …), one panel per group.
/// </summary>
static class ScatterFigure
{
    public static PlotFigure Build(IReadOnlyList<PlotItem> items, PlotRequest request)
    {
        var type = items[0].Value.GetType();
        if (request.X is not { } x || request.Metrics.Count != 1)
            throw JomaException.Argument("PlotScatterAxes", "-Kind Scatter needs -X (the property on the x axis) and one -Metric (the property on the y axis).");
        var y = request.Metrics[0];
        foreach (var name in new[] { x, y })
            if (PropertyReader.Find(type, name) is null)
                throw JomaException.Argument("PlotMetricUnknown",
                    $"{type.Name} has no property '{name}'. Give -X and -Metric one of: {string.Join(", ", MetricByStepsFigure.NumericProperties(type))}.");
        var panels = items.GroupBy(i => i.Group).Select(group =>
        {
            var values = group.Select(i => i.Value).ToList();
            var varying = MetricByStepsFigure.Identity.Where(p => PropertyReader.Find(type, p) is not null)
                .Where(p => values.Select(v => Convert.ToString(PropertyReader.Read(v, p), CultureInfo.InvariantCulture)).Distinct().Count() > 1).ToList();
            var series = values
                .Select(v => (Label: string.Join(", ", varying.Select(p => MetricByStepsFigure.Describe(p, PropertyReader.Read(v, p)))),
                              X: PropertyReader.Number(PropertyReader.Read(v, x)), Y: PropertyReader.Number(PropertyReader.Read(v, y))))
                .Where(p => p.X is { } px && p.Y is { } py && double.IsFinite(px) && double.IsFinite(py))
                .GroupBy(p => p.Label)
                .Select(g => new PlotSeries(g.Key.Length > 0 ? g.Key : MetricLabels.Name(y), g.Select(p => p.X!.Value).ToArray(), g.Select(p => p.Y!.Value).ToArray()))
                .ToList();
            if (series.Count == 0)
                throw JomaException.Argument("PlotNoValues", $"No input object has finite values for both {x} and {y}.");
            return (PlotPanel)new LinePanel(group.Key ?? "", MetricLabels.Name(x), MetricLabels.Name(y), series, Markers: true);
        }).ToList();
        return new PlotFigure(request.Title ?? $"{MetricLabels.Name(y)} vs {MetricLabels.Name(x)}", panels);
    }
}
