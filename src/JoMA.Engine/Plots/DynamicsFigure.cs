using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Plots;

/// <summary>
/// Dynamics trajectories against time (paper Fig. 4): entropy, or any scalar property, with one line per system;
/// for a vector property (-Metric V or Attention) one line per component, in one panel per system.
/// </summary>
static class DynamicsFigure
{
    public static PlotFigure Build(IReadOnlyList<PlotItem> items, PlotRequest request)
    {
        var samples = items.Select(i => (Sample: (JomaDynamicsSample)i.Value, i.Group)).ToList();
        string metric = request.Metrics.Count switch
        {
            0 => "Entropy",
            1 => request.Metrics[0],
            _ => throw JomaException.Argument("PlotMetricCount", "Dynamics charts draw one -Metric at a time: Entropy, V or Attention."),
        };
        var property = PropertyReader.Find(typeof(JomaDynamicsSample), metric);
        bool vector = property?.PropertyType == typeof(double[]);
        if (property is null || !(vector || property.PropertyType == typeof(double)))
            throw JomaException.Argument("PlotMetricUnknown", $"Dynamics samples have no plottable property '{metric}'. Give -Metric Entropy, V or Attention.");
        bool manySystems = samples.Select(s => s.Sample.Index).Distinct().Count() > 1;
        var panels = new List<PlotPanel>();
        // Components of several systems would be unreadable in one panel: each system gets its own unless grouped.
        var groups = vector && manySystems && samples.All(s => s.Group is null)
            ? samples.GroupBy(s => (string?)$"system {s.Sample.Index} ({s.Sample.System})")
            : samples.GroupBy(s => s.Group);
        foreach (var group in groups)
        {
            var series = new List<PlotSeries>();
            foreach (var system in group.GroupBy(s => s.Sample.Index))
            {
                var ordered = system.Select(s => s.Sample).OrderBy(s => s.Time).ToArray();
                var time = ordered.Select(s => s.Time).ToArray();
                string who = manySystems && !(vector && group.Key is not null && group.Key.StartsWith("system ")) ? $"system {system.Key} ({ordered[0].System})" : "";
                if (vector)
                {
                    int components = ordered.Min(s => ((double[])property.GetValue(s)!).Length);
                    string symbol = metric.Equals("V", StringComparison.OrdinalIgnoreCase) ? "v" : "p";
                    for (int c = 0; c < components; c++)
                        series.Add(new PlotSeries(Join(who, $"{symbol}_{c + 1}"), time, ordered.Select(s => ((double[])property.GetValue(s)!)[c]).ToArray()));
                }
                else
                {
                    series.Add(new PlotSeries(who.Length > 0 ? who : MetricLabels.Name(metric), time, ordered.Select(s => (double)property.GetValue(s)!).ToArray()));
                }
            }
            panels.Add(new LinePanel(group.Key ?? "", "time t (ODE time units)", MetricLabels.Axis(metric), series));
        }
        string system0 = samples[0].Sample.System.ToString();
        var title = request.Title ?? (vector
            ? $"{(metric.Equals("V", StringComparison.OrdinalIgnoreCase) ? "Trajectories of v" : "Attention probabilities")} along the JoMA dynamics ({system0})"
            : $"{MetricLabels.Name(metric)} along the JoMA dynamics ({system0})");
        return new PlotFigure(title, panels);
    }

    static string Join(string a, string b) => a.Length == 0 ? b : $"{a}, {b}";
}
