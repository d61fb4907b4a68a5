namespace JoMA.Engine.Joint;

/// <summary>One step of the joint toy: the loss and how well the JoMA invariant predicts the attention logits.</summary>
public sealed class JomaInvariantSample
{
    public int Step { get; init; }
    public JointVariant Variant { get; init; }
    public long Seed { get; init; }
    /// <summary>Cross-entropy over the K samples of this step, before the update.</summary>
    public double Loss { get; init; }
    /// <summary>NC(z, ẑ) with ẑ = (‖V_m‖² − x̄_m‖W‖_F²)/(2T) + C.</summary>
    public double Correlation { get; init; }
    /// <summary>NC(z, ‖V_m‖²/(2T)): the squared-norm term alone.</summary>
    public double CorrelationSquaredTerm { get; init; }
    /// <summary>NC(z, −x̄_m‖W‖_F²/(2T)): the mean term alone.</summary>
    public double CorrelationMeanTerm { get; init; }
    /// <summary>Attention logits z [M_C] (with -IncludeState).</summary>
    public double[]? Z { get; init; }
    /// <summary>The invariant's prediction ẑ [M_C] (with -IncludeState).</summary>
    public double[]? ZPredicted { get; init; }
    /// <summary>V = U_Cᵀ W [M_C, K] (with -IncludeState).</summary>
    public double[,]? V { get; init; }
}
