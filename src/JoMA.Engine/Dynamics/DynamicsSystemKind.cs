namespace JoMA.Engine.Dynamics;

/// <summary>The JoMA dynamics systems of SCIENCE.md §2.</summary>
public enum DynamicsSystemKind
{
    /// <summary>dv/dt = (μ − v) ∘ softmax(v²/T); attention softmax(v²/T). Paper Fig. 4.</summary>
    NonlinearSoftmax,
    /// <summary>dv/dt = (μ − v) ∘ exp(v²/2); attention softmax(v²/2).</summary>
    NonlinearExp,
    /// <summary>dv/dt = (1/A) Δ ∘ exp(v²/2); attention softmax(v²/2). Blows up in finite time.</summary>
    Linear,
}
