namespace JoMA.Engine.Theory;

public enum PredictionPreset
{
    /// <summary>Linear activation (Theorem 2): dv/dt = (1/A)·D ∘ exp(v²/2) from v = 0; attention only sharpens, ranks follow D from the start.</summary>
    Linear,
    /// <summary>The paper's Fig. 4 system dv/dt = (μ − v) ∘ softmax(v²/T) with μ_l = s·D_l / max D and v(0) = 0.05: sparse first, then dense.</summary>
    Nonlinear,
}

/// <summary>How drives become a JoMA system per query (SCIENCE.md §7); the defaults are the paper's Fig. 4 scale.</summary>
public sealed record AttentionPredictionOptions
{
    public PredictionPreset Preset { get; init; } = PredictionPreset.Nonlinear;
    /// <summary>s: the largest μ of a query (μ_l = s·D_l / max D). Fig. 4's μ lie in [1, 4].</summary>
    public double Scale { get; init; } = 3;
    public double Temperature { get; init; } = 3;
    public double InitialValue { get; init; } = 0.05;
    /// <summary>The A of the Linear system.</summary>
    public double A { get; init; } = 1;
    /// <summary>End of the solve (Nonlinear; default 100, Fig. 4's horizon). Linear always stops just before the first blow-up.</summary>
    public double? Until { get; init; }
    /// <summary>Sample times per query, evenly spaced from 0 to the end.</summary>
    public int Samples { get; init; } = 400;

    public void Validate()
    {
        if (!(Scale > 0 && double.IsFinite(Scale))) throw JomaException.Argument("ScaleNotPositive", $"-Scale must be a finite number above 0 (got {Scale}).");
        if (!(Temperature > 0 && double.IsFinite(Temperature))) throw JomaException.Argument("TemperatureNotPositive", $"-Temperature must be a finite number above 0 (got {Temperature}).");
        if (!double.IsFinite(InitialValue)) throw JomaException.Argument("NonFiniteInput", $"-InitialValue must be finite (got {InitialValue}).");
        if (!(A > 0 && double.IsFinite(A))) throw JomaException.Argument("ANotPositive", $"-A must be a finite number above 0 (got {A}).");
        if (Until is { } u && !(u > 0 && double.IsFinite(u))) throw JomaException.Argument("UntilNotPositive", $"-Until must be a finite time above 0 (got {u}).");
        if (Samples < 2 || Samples > 100_000) throw JomaException.Argument("SamplesInvalid", $"-Samples must be 2 to 100000 (got {Samples}).");
    }
}
