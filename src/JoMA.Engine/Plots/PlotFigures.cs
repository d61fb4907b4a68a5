using JoMA.Engine.Dynamics;
using JoMA.Engine.Joint;
using JoMA.Engine.Metrics;
using JoMA.Engine.Training;

namespace JoMA.Engine.Plots;

/// <summary>Builds the figure for a set of input objects: picks the chart kind (from the request or the objects' type) and checks the input fits it.</summary>
public static class PlotFigures
{
    /// <summary>More panels than this would be too small to read.</summary>
    public const int MaximumPanels = 16;

    const string WhatToPipe =
        "Pipe Invoke-JomaDynamics samples, Invoke-JomaJointDynamics samples, Start-JomaTraining snapshots, " +
        "Measure-AttentionSparsity rows, Measure-JomaStableRank rows or AttentionSample objects.";

    public static PlotFigure Build(IReadOnlyList<PlotItem> items, PlotRequest request)
    {
        if (items.Count == 0)
            throw JomaException.Argument("PlotInputEmpty", $"Nothing was piped in, so there is nothing to draw. {WhatToPipe}");
        var types = items.Select(i => i.Value.GetType()).Distinct().ToList();
        if (types.Count > 1)
            throw JomaException.Argument("PlotInputMixed", $"The input mixes {string.Join(", ", types.Select(t => t.Name))}; one chart draws one kind of object. Filter the input with Where-Object, or export one chart per type.");
        var kind = request.Kind == PlotKind.Auto ? KindFor(types[0]) : request.Kind;
        if (!Accepts(kind, types[0]))
            throw JomaException.Argument("PlotInputUnsupported", $"-Kind {kind} cannot draw {types[0].Name} objects. {WhatToPipe}");
        var figure = kind switch
        {
            PlotKind.MetricBySteps => MetricByStepsFigure.Build(items, request),
            PlotKind.Dynamics => DynamicsFigure.Build(items, request),
            PlotKind.AttentionMap => AttentionMapFigure.Build(items, request),
            PlotKind.Scatter => ScatterFigure.Build(items, request),
            _ => MatrixFigure.Build(items, request),
        };
        if (figure.Panels.Count > MaximumPanels)
            throw new JomaException("PlotTooManyPanels", JomaErrorKind.LimitsExceeded,
                $"This would draw {figure.Panels.Count} panels; at most {MaximumPanels} fit in one image. Filter the input (Where-Object), choose fewer -Step values, or group by a coarser -GroupBy.");
        return figure;
    }

    /// <summary>The chart each output type is usually drawn as.</summary>
    public static PlotKind KindFor(Type type) => type switch
    {
        _ when type == typeof(JomaDynamicsSample) => PlotKind.Dynamics,
        _ when type == typeof(AttentionSample) => PlotKind.AttentionMap,
        _ when type == typeof(JomaTrainingSnapshot) || type == typeof(AttentionSparsity) || type == typeof(StableRankResult) || type == typeof(JomaInvariantSample)
            || type == typeof(Theory.PredictionScore) => PlotKind.MetricBySteps,
        _ => throw JomaException.Argument("PlotInputUnsupported", $"Export-JomaPlot cannot draw {type.FullName} objects. {WhatToPipe}"),
    };

    static bool Accepts(PlotKind kind, Type type) => kind switch
    {
        PlotKind.Dynamics => type == typeof(JomaDynamicsSample),
        PlotKind.AttentionMap => type == typeof(AttentionSample) || type == typeof(JomaTrainingSnapshot),
        PlotKind.Matrix => type == typeof(JomaInvariantSample),
        PlotKind.Scatter => true,
        // a metric against step reads properties by name, so any object with a numeric Step (or Time) and the -Metric will do
        _ => true,
    };
}
