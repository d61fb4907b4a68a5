namespace JoMA.Engine.Theory;

/// <summary>
/// One row of a JoMA attention prediction (Invoke-JomaDynamics with corpus statistics): the predicted
/// attention share of context token <see cref="Token"/> for query <see cref="Query"/>,
/// a_l(t) = x̄_l e^{z_l} / Σ x̄ e^{z}, and its excess logit ζ_l(t) = log(a_l(t) / a_l(0)), at
/// <see cref="Time"/> (the query's predicted entropy minimum) and at the end of the solve.
/// </summary>
public sealed class AttentionPrediction
{
    public string? Source { get; init; }
    public string Query { get; init; } = "";
    public string Token { get; init; } = "";
    public int Rank { get; init; }
    /// <summary>Linear or Nonlinear.</summary>
    public string Preset { get; init; } = "";
    public double Drive { get; init; }
    /// <summary>The JoMA target of this component (μ for Nonlinear, Δ for Linear).</summary>
    public double Target { get; init; }
    public double InitialShare { get; init; }
    /// <summary>ODE time of the comparison: the query's predicted entropy minimum.</summary>
    public double Time { get; init; }
    public double Share { get; init; }
    public double ExcessLogit { get; init; }
    public double FinalTime { get; init; }
    public double FinalShare { get; init; }
    public double FinalExcessLogit { get; init; }
    /// <summary>First time with a_l ≥ 2·a_l(0); null when it never rises that far.</summary>
    public double? RiseTime { get; init; }
    /// <summary>Linear preset: t*_l = √(π/2)·A/D_l, where v_l blows up; null otherwise.</summary>
    public double? BlowUpTime { get; init; }
    /// <summary>The query's predicted entropy-minimum time: the minimum of the system's own attention entropy H(softmax(z)) (the same on every row of a query).</summary>
    public double EntropyMinimumTime { get; init; }
    public double MinimumEntropy { get; init; }
}
