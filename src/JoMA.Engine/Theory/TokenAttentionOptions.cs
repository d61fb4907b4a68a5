using JoMA.Engine.Native;

namespace JoMA.Engine.Theory;

/// <summary>What Measure-JomaTokenAttention probes: which layer, which split and how much of it, with or without per-head rows.</summary>
public sealed record TokenAttentionOptions
{
    public int Layer { get; init; }
    /// <summary>Also one row per head (Head = index) besides the head-averaged rows (Head = −1).</summary>
    public bool PerHead { get; init; }
    public ProbeSplit Split { get; init; } = ProbeSplit.Validation;
    /// <summary>The first windows of the split (eval_batch_size sequences of bptt tokens each) that are probed.</summary>
    public int MaxWindows { get; init; } = 100;
    public DevicePreference Device { get; init; } = DevicePreference.Cpu;

    public void Validate()
    {
        if (Layer < 0) throw JomaException.Argument("LayerOutOfRange", $"-Layer must be 0 or more (got {Layer}).");
        if (MaxWindows < 1) throw JomaException.Argument("MaxWindowsNotPositive", $"-MaxWindows must be 1 or more (got {MaxWindows}).");
    }
}
