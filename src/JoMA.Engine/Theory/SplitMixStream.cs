namespace JoMA.Engine.Theory;

/// <summary>
/// A SplitMix64 generator (Steele, Lea &amp; Flood 2014) for the comparison's bootstrap and permutations: its output is
/// fixed by its seed alone (System.Random's seeded sequence is an implementation detail), and streams for
/// different purposes are split off one user seed by <see cref="Derive"/>.
/// </summary>
internal struct SplitMixStream
{
    const ulong Gamma = 0x9E3779B97F4A7C15;   // 2⁶⁴/φ, SplitMix64's increment
    ulong state;

    public SplitMixStream(ulong seed) => state = seed;

    /// <summary>A seed for the stream (seed, purpose, a, b): each part goes through the mix, so nearby inputs give unrelated streams.</summary>
    public static ulong Derive(int seed, ulong purpose, long a = 0, long b = 0)
    {
        ulong h = Mix((ulong)(uint)seed + Gamma);
        h = Mix(h ^ (purpose + Gamma));
        h = Mix(h ^ ((ulong)a + Gamma));
        return Mix(h ^ ((ulong)b + Gamma));
    }

    public ulong Next() => Mix(state += Gamma);

    /// <summary>Uniform in [0, bound) by Lemire's multiply-shift (bias below 2⁻³² for the bounds used here).</summary>
    public int NextInt(int bound) => (int)(((Next() >> 32) * (ulong)bound) >> 32);

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
