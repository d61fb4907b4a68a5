namespace JoMA.Engine.Dynamics;

/// <summary>One row per solved system: where its entropy bottomed out, how it ended, what it cost, and its inputs (for sweeps).</summary>
public sealed record JomaDynamicsSummary
{
    public int Index { get; init; }
    public DynamicsSystemKind System { get; init; }
    public IntegrationMethod Method { get; init; }
    public SolverStatus Status { get; init; }
    public double InitialEntropy { get; init; }
    /// <summary>The lowest entropy on the trajectory (a located interior minimum, or an end point).</summary>
    public double MinEntropy { get; init; }
    public double MinEntropyTime { get; init; }
    /// <summary>Euler: the update count at the minimum; Dormand–Prince: null.</summary>
    public long? MinEntropyStep { get; init; }
    /// <summary>Times of every interior local minimum (dH/dt crossing from − to +), located by root finding on the dense output.</summary>
    public double[] EntropyMinimumTimes { get; init; } = Array.Empty<double>();
    public double FinalTime { get; init; }
    public double FinalEntropy { get; init; }
    public double[] FinalV { get; init; } = Array.Empty<double>();
    /// <summary>When Status is BlowUp: the estimated blow-up time.</summary>
    public double? BlowUpTime { get; init; }
    public long AcceptedSteps { get; init; }
    public long RejectedSteps { get; init; }
    /// <summary>Right-hand-side evaluations, event root finding included.</summary>
    public long Evaluations { get; init; }
    public double[] Mu { get; init; } = Array.Empty<double>();
    public double[] Delta { get; init; } = Array.Empty<double>();
    public double A { get; init; }
    public double Temperature { get; init; }
    public double[] InitialValue { get; init; } = Array.Empty<double>();
    public double RelativeTolerance { get; init; }
    public double AbsoluteTolerance { get; init; }
    public double? StepSize { get; init; }
}
