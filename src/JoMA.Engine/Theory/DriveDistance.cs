namespace JoMA.Engine.Theory;

/// <summary>
/// The per-outcome terms of each <see cref="DriveKind"/>'s distance between a = P(·|l,m) and p = P(·|m), so a
/// sparse pass can add only the outcomes where a &gt; 0: distance = Σ_n g(0, p_n) + Σ_{n: a_n &gt; 0} (g(a_n, p_n) − g(0, p_n)).
/// </summary>
public static class DriveDistance
{
    public static double Term(DriveKind kind, double a, double p) => kind switch
    {
        DriveKind.L2 => (a - p) * (a - p),
        DriveKind.ChiSquare => p > 0 ? (a - p) * (a - p) / p : 0,
        DriveKind.KL => a > 0 && p > 0 ? a * Math.Log(a / p) : 0,
        _ => Math.Abs(a - p) / 2,
    };

    /// <summary>D from the summed terms: P(l|m)·(√L2 | √χ² | √(KL/2) | TV); for L2 with bias correction the small-count bias (1 − Σa²)/N_lm is taken off first.</summary>
    public static double Drive(DriveKind kind, double coOccurrence, double distance, double sumSquaresA, double count, bool biasCorrection)
    {
        distance = Math.Max(0, distance); // rounding can leave −1e−17
        double d = kind switch
        {
            DriveKind.L2 => biasCorrection && count > 0 ? Math.Max(0, distance - (1 - sumSquaresA) / count) : distance,
            DriveKind.KL => distance / 2,
            DriveKind.TV => distance * distance,
            _ => distance,
        };
        return coOccurrence * Math.Sqrt(d);
    }
}
