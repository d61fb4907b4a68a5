using JoMA.Engine.Dynamics;
using JoMA.Engine.Joint;
using JoMA.Engine.Metrics;
using JoMA.Engine.Plots;
using JoMA.Engine.Training;

namespace JoMA.Engine.Tests.Plots;

/// <summary>Hand-made inputs for each chart kind, shaped like what the cmdlets emit.</summary>
static class PlotSamples
{
    public static List<PlotItem> Snapshots(string run = "wt2", double learningRate = 1e-3, string? group = null) =>
        Enumerable.Range(0, 20).Select(i => new PlotItem(new JomaTrainingSnapshot
        {
            Run = run, Step = i * 100, LearningRate = learningRate, ValidationLoss = 6 - Math.Log(1 + i),
            LayerEntropy = new LayerValues(Enumerable.Range(0, 3).Select(l => 3.0 - l * 0.5 - 0.8 * Math.Sin(i / 6.0) * (l + 1) / 3)),
            StableRank = new LayerValues(Enumerable.Range(0, 3).Select(l => 40.0 - i * (l + 1))),
        }, group)).ToList();

    public static List<PlotItem> Dynamics(int systems = 1) =>
        Enumerable.Range(0, systems).SelectMany(s => Enumerable.Range(0, 101).Select(i => new PlotItem(new JomaDynamicsSample
        {
            Index = s, System = DynamicsSystemKind.NonlinearSoftmax, Time = i, Step = i,
            V = new[] { Math.Sqrt(i) * (s + 1), 0.5 * Math.Sqrt(i), -0.1 * i / 10 },
            Entropy = Math.Log(3) - 0.6 * Math.Exp(-Math.Pow((i - 12 - 5 * s) / 10.0, 2)) + 0.002 * i,
        }))).ToList();

    public static List<PlotItem> Invariants(bool withState = true) =>
        Enumerable.Range(0, 21).Select(i => new PlotItem(new JomaInvariantSample
        {
            Step = i * 100, Loss = 3 * Math.Exp(-i / 5.0), Correlation = 1 - Math.Exp(-i / 3.0), CorrelationSquaredTerm = 0.9 - Math.Exp(-i / 3.0),
            CorrelationMeanTerm = 0.2, V = withState ? Matrix(6, 8, i / 20.0) : null,
        })).ToList();

    public static double[,] Matrix(int rows, int columns, double scale)
    {
        var v = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) v[r, c] = scale * Math.Sin(r + 1.3 * c) * (1 + r);
        return v;
    }

    public static AttentionSample Attention(int length = 8, int heads = 2)
    {
        var probabilities = new float[heads * length * length];
        for (int h = 0; h < heads; h++)
            for (int q = 0; q < length; q++)
            {
                // Causal rows: weight grows towards the diagonal, sharper for head 1.
                double total = 0;
                for (int k = 0; k <= q; k++) total += Math.Exp((h + 1) * (k - q) / 2.0);
                for (int k = 0; k <= q; k++) probabilities[(h * length + q) * length + k] = (float)(Math.Exp((h + 1) * (k - q) / 2.0) / total);
            }
        var tokens = "the cat sat on the warm mat today again and".Split(' ')[..length];
        return new AttentionSample { Run = "probe", Step = 500, Heads = heads, Length = length, Layers = new[] { 0 }, Tokens = tokens, TokenIds = new int[length], Probabilities = new[] { probabilities } };
    }
}
