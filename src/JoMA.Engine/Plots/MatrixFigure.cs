using JoMA.Engine.Joint;

namespace JoMA.Engine.Plots;

/// <summary>
/// The joint toy's V = U_C^T W (contextual tokens, distinct then common, × classes) at chosen steps, side by side on one symmetric colour scale
/// so that growth and sign pattern compare directly (paper Fig. 3).
/// </summary>
static class MatrixFigure
{
    public static PlotFigure Build(IReadOnlyList<PlotItem> items, PlotRequest request)
    {
        var samples = items.Select(i => i.Value as JomaInvariantSample
            ?? throw JomaException.Argument("PlotInputUnsupported", $"-Kind Matrix draws JomaInvariantSample objects, not {i.Value.GetType().Name}. Pipe Invoke-JomaJointDynamics -IncludeState.")).ToList();
        var withState = samples.Where(s => s.V is not null).ToList();
        if (withState.Count == 0)
            throw JomaException.Argument("PlotStateMissing", "These invariant samples carry no V matrix. Run Invoke-JomaJointDynamics with -IncludeState and pipe that.");
        var steps = request.Steps.Count > 0 ? request.Steps : new[] { (long)withState.Min(s => s.Step), withState.Max(s => s.Step) }.Distinct().ToArray();
        var chosen = new List<JomaInvariantSample>();
        foreach (var step in steps)
        {
            var atStep = withState.Where(s => s.Step == step).ToList();
            if (atStep.Count == 0)
                throw JomaException.Argument("PlotStepMissing",
                    $"No sample with V at step {step}. Steps with V: {Summarise(withState.Select(s => (long)s.Step))}. Give -Step from those (and a -SampleInterval that reaches them).");
            chosen.AddRange(atStep);
        }
        bool manyRuns = chosen.Select(s => (s.Variant, s.Seed)).Distinct().Count() > 1;
        double limit = Math.Max(1e-12, chosen.Max(s => MaxAbs(s.V!)));
        var panels = chosen.Select(s => (PlotPanel)new HeatmapPanel(
            $"step {s.Step}{(manyRuns ? $" ({s.Variant}, seed {s.Seed})" : "")}", s.V!, "class k", "contextual token m", "V entry",
            null, null, -limit, limit, Diverging: true)).ToList();
        return new PlotFigure(request.Title ?? "V = U_C^T W of the joint toy", panels);
    }

    static double MaxAbs(double[,] values)
    {
        double max = 0;
        foreach (var v in values) if (double.IsFinite(v)) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    static string Summarise(IEnumerable<long> steps)
    {
        var all = steps.Distinct().OrderBy(s => s).ToArray();
        return all.Length <= 8 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(4))}, …, {string.Join(", ", all.TakeLast(2))} ({all.Length} in all)";
    }
}
