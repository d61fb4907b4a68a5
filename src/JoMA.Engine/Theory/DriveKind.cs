namespace JoMA.Engine.Theory;

/// <summary>
/// How the drive tensor Δ_{l,·|m} = P(l|m)·(P(·|l,m) − P(·|m)) is reduced to a scalar D_l(m) (SCIENCE.md §7).
/// Every kind is P(l|m) times a distance between the next-token distributions with and without l in the context.
/// </summary>
public enum DriveKind
{
    /// <summary>‖·‖₂, the theory's default; the only kind with a small-count bias correction.</summary>
    L2,
    /// <summary>√χ² = √Σ_n (P(n|l,m) − P(n|m))² / P(n|m).</summary>
    ChiSquare,
    /// <summary>√(KL(P(·|l,m) ‖ P(·|m)) / 2), Pinsker's bound on the total variation.</summary>
    KL,
    /// <summary>Total variation ½ Σ_n |P(n|l,m) − P(n|m)|.</summary>
    TV,
}
