namespace JoMA.Engine.Theory;

/// <summary>
/// Settings of the counting pass behind Measure-JomaCorpusStatistics. The window (Bptt, BatchSize) must be the
/// trainer's, so the contexts counted are the ones the model sees; the defaults are the reference preset's.
/// </summary>
public sealed record CorpusStatisticsOptions
{
    public int Bptt { get; init; } = 35;
    public int BatchSize { get; init; } = 20;
    /// <summary>Queries by token; null or empty: the <see cref="QueryCount"/> most frequent tokens (&lt;unk&gt; left out).</summary>
    public IReadOnlyList<string>? Queries { get; init; }
    public int QueryCount { get; init; } = 200;
    /// <summary>M_C: context tokens listed per query; every other context token is pooled into "&lt;rest&gt;".</summary>
    public int Contexts { get; init; } = 20;
    public ContextSelection SelectBy { get; init; } = ContextSelection.Both;
    /// <summary>K_n: next tokens kept per query (its most frequent); the others are pooled into one "other" outcome.</summary>
    public int NextTokens { get; init; } = 500;
    /// <summary>Queries with fewer positions, and context tokens with fewer co-occurrences (N_lm), are left out.</summary>
    public int MinCount { get; init; } = 20;
    public DriveKind Drive { get; init; } = DriveKind.L2;
    /// <summary>Subtract the plug-in estimate's sampling bias (L2 only): D̂² = P(l|m)²·max(0, ‖p̂(·|l,m) − p̂(·|m)‖² − (1 − ‖p̂(·|l,m)‖²)/N_lm).</summary>
    public bool BiasCorrection { get; init; } = true;
    /// <summary>Poisson block-bootstrap resamples for the drive's interval (0: none).</summary>
    public int BootstrapResamples { get; init; } = 200;
    /// <summary>Consecutive bptt windows of one batch column per bootstrap block (neighbouring windows share text).</summary>
    public int BlockWindows { get; init; } = 10;
    public double Confidence { get; init; } = 0.95;
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        if (Bptt < 2) throw JomaException.Argument("BpttInvalid", $"-Bptt must be 2 or more (got {Bptt}): a context needs an earlier position.");
        if (BatchSize < 1) throw JomaException.Argument("BatchSizeInvalid", $"-BatchSize must be 1 or more (got {BatchSize}).");
        if (QueryCount < 1) throw JomaException.Argument("QueryCountInvalid", $"-QueryCount must be 1 or more (got {QueryCount}).");
        if (Contexts < 1 || Contexts > 64) throw JomaException.Argument("ContextsInvalid", $"-Contexts must be 1 to 64 (got {Contexts}).");
        if (NextTokens < 1) throw JomaException.Argument("NextTokensInvalid", $"-NextTokens must be 1 or more (got {NextTokens}).");
        if (MinCount < 1) throw JomaException.Argument("MinCountInvalid", $"-MinCount must be 1 or more (got {MinCount}).");
        if (BootstrapResamples < 0 || BootstrapResamples > 100_000) throw JomaException.Argument("BootstrapInvalid", $"-Bootstrap must be 0 to 100000 resamples (got {BootstrapResamples}).");
        if (BlockWindows < 1) throw JomaException.Argument("BlockWindowsInvalid", $"-BlockWindows must be 1 or more (got {BlockWindows}).");
        if (!(Confidence > 0 && Confidence < 1)) throw JomaException.Argument("ConfidenceInvalid", $"-Confidence must be between 0 and 1 (got {Confidence}).");
    }
}
