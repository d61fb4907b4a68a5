namespace JoMA.Engine.Plots;

/// <summary>Which chart Export-JomaPlot draws; Auto picks from the type of the input objects.</summary>
public enum PlotKind
{
    Auto,
    /// <summary>A metric against training step (or time), one line per layer / run / system.</summary>
    MetricBySteps,
    /// <summary>Dynamics trajectories against time: entropy per system, or each component of V.</summary>
    Dynamics,
    /// <summary>An attention probability map of one layer and head, with token labels.</summary>
    AttentionMap,
    /// <summary>The V = U_C^T W matrix of the joint toy at chosen steps, side by side.</summary>
    Matrix,
    /// <summary>One numeric property against another (-X against -Metric), a marker per object, one colour per identity (Predictor, Run, Layer …).</summary>
    Scatter,
}
