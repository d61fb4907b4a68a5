namespace JoMA.Engine.Theory;

/// <summary>How <see cref="PredictionComparison"/> scores predictors against observed attention.</summary>
public sealed record PredictionComparisonOptions
{
    /// <summary>Bootstrap resamples of the query set (the same resampled sets serve every metric, predictor and step, so differences are paired).</summary>
    public int BootstrapResamples { get; init; } = 1000;
    /// <summary>Width of the percentile intervals, in (0, 1).</summary>
    public double Confidence { get; init; } = 0.95;
    /// <summary>Seeds the bootstrap and the permutation null; same seed and inputs → identical scores.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Compare against the prediction at the end of the solve instead of at its entropy minimum (<see cref="AttentionPrediction.Time"/>).</summary>
    public bool UseFinalPrediction { get; init; }
    /// <summary>Within-query shuffles of the theory behind the Null predictor; its per-query metric is their mean.</summary>
    public int NullPermutations { get; init; } = 1;
    /// <summary>Score against <see cref="TokenAttention.PositionAdjustedExcessLogit"/> (and rise by <see cref="TokenAttention.PositionAdjustedShare"/>) instead of the raw attention.</summary>
    public bool PositionAdjusted { get; init; }

    internal void Validate()
    {
        if (BootstrapResamples < 1) throw JomaException.Argument("BootstrapInvalid", $"-Bootstrap must be 1 or more resamples (got {BootstrapResamples}).");
        if (!(Confidence > 0 && Confidence < 1)) throw JomaException.Argument("ConfidenceInvalid", $"-Confidence must lie strictly between 0 and 1 (got {Confidence}).");
        if (NullPermutations < 1) throw JomaException.Argument("NullPermutationsInvalid", $"-NullPermutations must be 1 or more (got {NullPermutations}).");
    }
}
