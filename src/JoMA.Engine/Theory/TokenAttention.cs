namespace JoMA.Engine.Theory;

/// <summary>
/// One row of Measure-JomaTokenAttention: the attention a trained checkpoint gives context token
/// <see cref="Token"/> from rows whose token is <see cref="Query"/>, on a fixed probe split with dropout off.
/// Share = mean over those rows i of Σ_{j&lt;i, tok[j]=l} p_ij / (1 − p_ii) (self mass apart).
/// </summary>
public sealed class TokenAttention
{
    public string? Source { get; init; }
    public string? Run { get; init; }
    public long Step { get; init; }
    public int Layer { get; init; }
    /// <summary>Head index, or −1 for the head-averaged attention.</summary>
    public int Head { get; init; } = -1;
    public string Query { get; init; } = "";
    public string Token { get; init; } = "";
    /// <summary>Probe rows whose token is the query (and that have at least one earlier position, and context mass above 0 in float32).</summary>
    public long Rows { get; init; }
    public double Share { get; init; }
    /// <summary>The share uniform attention over the same contexts would give (the t = 0 share).</summary>
    public double UniformShare { get; init; }
    /// <summary>ζ_obs = log(Share / UniformShare); null when either is 0.</summary>
    public double? ExcessLogit { get; init; }
    /// <summary>The share after dividing each p_ij by the mean distance profile π(i − j) (renormalised).</summary>
    public double PositionAdjustedShare { get; init; }
    public double? PositionAdjustedExcessLogit { get; init; }
    /// <summary>The share attention that depends on distance alone (the observed π(d)) would give: the recency baseline.</summary>
    public double RecencyShare { get; init; }
    public double? RecencyExcessLogit { get; init; }
    /// <summary>Mean p_ii over the query's rows.</summary>
    public double SelfMass { get; init; }
    /// <summary>Mean p_i0 / (1 − p_ii) over the query's rows: mass on the window's first position (attention sink).</summary>
    public double SinkMass { get; init; }
    /// <summary>Mean entropy (nats) of the query's attention rows over the context (self excluded, renormalised).</summary>
    public double QueryEntropy { get; init; }
}
