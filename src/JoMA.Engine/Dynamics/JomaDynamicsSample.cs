namespace JoMA.Engine.Dynamics;

/// <summary>The state of one system at one reported time.</summary>
public sealed class JomaDynamicsSample
{
    /// <summary>Position of the system in the input (0 for a single system).</summary>
    public int Index { get; init; }
    public DynamicsSystemKind System { get; init; }
    public double Time { get; init; }
    /// <summary>Euler: the update count. Dormand–Prince: the number of accepted steps so far.</summary>
    public long Step { get; init; }
    public double[] V { get; init; } = Array.Empty<double>();
    /// <summary>softmax of the system's logits at V.</summary>
    public double[] Attention { get; init; } = Array.Empty<double>();
    public double Entropy { get; init; }
}
