namespace JoMA.Engine.Dynamics;

/// <summary>
/// One JoMA system to solve: its kind and parameters. <see cref="Validate"/> turns bad input into
/// <see cref="JomaException"/>s with stable ids before anything is integrated.
/// </summary>
public sealed record DynamicsProblem
{
    public DynamicsSystemKind System { get; init; } = DynamicsSystemKind.NonlinearSoftmax;
    /// <summary>Targets μ (nonlinear systems).</summary>
    public double[]? Mu { get; init; }
    /// <summary>Δ = discriminancy × co-occurrence (Linear system).</summary>
    public double[]? Delta { get; init; }
    /// <summary>The A of the Linear system.</summary>
    public double A { get; init; } = 1.0;
    /// <summary>v(0): one value (broadcast) or one per component. Default 0.05 (nonlinear) or 0 (Linear).</summary>
    public double[]? InitialValue { get; init; }
    /// <summary>T of softmax(v²/T) (NonlinearSoftmax).</summary>
    public double Temperature { get; init; } = 3.0;

    public const double DefaultNonlinearInitialValue = 0.05;

    /// <summary>The parameter vector that sets the dimension: μ, or Δ for Linear.</summary>
    public double[] Targets => (System == DynamicsSystemKind.Linear ? Delta : Mu) ?? Array.Empty<double>();

    public int Dimension => Targets.Length;

    /// <summary>v(0) expanded to one value per component.</summary>
    public double[] ResolvedInitialValue()
    {
        var m = Dimension;
        if (InitialValue is null || InitialValue.Length == 0)
            return Enumerable.Repeat(System == DynamicsSystemKind.Linear ? 0.0 : DefaultNonlinearInitialValue, m).ToArray();
        return InitialValue.Length == 1 ? Enumerable.Repeat(InitialValue[0], m).ToArray() : (double[])InitialValue.Clone();
    }

    public void Validate()
    {
        var name = System == DynamicsSystemKind.Linear ? "Delta" : "Mu";
        var targets = System == DynamicsSystemKind.Linear ? Delta : Mu;
        if (targets is null || targets.Length == 0)
            throw JomaException.Argument($"{name}Missing",
                $"The {System} system needs -{name} (one value per component){(System == DynamicsSystemKind.Linear ? "" : " or -RandomMu M")}.");
        RequireFinite(name, targets);
        if (Mu is { Length: > 0 } && Delta is { Length: > 0 } && Mu.Length != Delta.Length)
            throw JomaException.Argument("DimensionMismatch",
                $"-Mu has {Mu.Length} values but -Delta has {Delta.Length}; they describe the same components, so give both the same length " +
                $"(the {System} system uses -{name}; drop the other one).");
        if (InitialValue is { Length: > 0 })
        {
            RequireFinite("InitialValue", InitialValue);
            if (InitialValue.Length != 1 && InitialValue.Length != targets.Length)
                throw JomaException.Argument("DimensionMismatch",
                    $"-InitialValue has {InitialValue.Length} values but -{name} has {targets.Length}. Give one value per component, or a single value for all.");
        }
        if (System == DynamicsSystemKind.NonlinearSoftmax && !(Temperature > 0 && double.IsFinite(Temperature)))
            throw JomaException.Argument("TemperatureNotPositive", $"-Temperature must be a finite number above 0 (got {Temperature}).");
        if (System == DynamicsSystemKind.Linear && !(double.IsFinite(A) && A > 0))
            throw JomaException.Argument("ANotPositive", $"-A must be a finite number above 0 (got {A}).");
    }

    /// <summary>A fresh system instance (each holds scratch buffers, so one per solve).</summary>
    public DynamicsSystem CreateSystem()
    {
        Validate();
        return System switch
        {
            DynamicsSystemKind.NonlinearSoftmax => new NonlinearSoftmaxSystem((double[])Mu!.Clone(), Temperature),
            DynamicsSystemKind.NonlinearExp => new NonlinearExpSystem((double[])Mu!.Clone()),
            DynamicsSystemKind.Linear => new LinearSystem((double[])Delta!.Clone(), A),
            _ => throw JomaException.Argument("UnknownSystem", $"Unknown system '{System}'. Use one of: {string.Join(", ", Enum.GetNames<DynamicsSystemKind>())}."),
        };
    }

    static void RequireFinite(string name, double[] values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw JomaException.Argument("NonFiniteInput", $"-{name}[{i}] is {values[i]}; every value must be a finite number.");
    }
}
