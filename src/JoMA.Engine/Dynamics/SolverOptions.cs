namespace JoMA.Engine.Dynamics;

public enum IntegrationMethod
{
    /// <summary>Adaptive Dormand–Prince 5(4) with 4th-order dense output.</summary>
    DormandPrince,
    /// <summary>Explicit Euler with a fixed step: v ← v + η·f(v), exactly the discrete update rule.</summary>
    Euler,
}

/// <summary>How to integrate and when to report. Defaults follow scipy's solve_ivp where it has one.</summary>
public sealed record SolverOptions
{
    public IntegrationMethod Method { get; init; } = IntegrationMethod.DormandPrince;
    /// <summary>End time (Dormand–Prince; with Euler it sets Steps = round(Until/StepSize) unless Steps is given).</summary>
    public double? Until { get; init; }
    public double RelativeTolerance { get; init; } = 1e-6;
    public double AbsoluteTolerance { get; init; } = 1e-9;
    public double MaxStep { get; init; } = double.PositiveInfinity;
    /// <summary>First step; null chooses it as Hairer &amp; Wanner do.</summary>
    public double? FirstStep { get; init; }
    /// <summary>Euler's step η.</summary>
    public double? StepSize { get; init; }
    /// <summary>Euler's number of updates.</summary>
    public int? Steps { get; init; }
    /// <summary>Report every this much time (dense output for Dormand–Prince; every round(Δ/η) steps for Euler).</summary>
    public double? SampleInterval { get; init; }
    /// <summary>Report at exactly these times (dense output).</summary>
    public double[]? SampleTimes { get; init; }
    /// <summary>Safety cap on accepted + rejected steps.</summary>
    public int MaxStepCount { get; init; } = 10_000_000;

    public void Validate()
    {
        if (Method == IntegrationMethod.Euler)
        {
            if (StepSize is null)
                throw JomaException.Argument("EulerStepSizeMissing", "-Method Euler needs -StepSize η (e.g. -StepSize 0.02), and -Steps N or -Until t.");
            if (!(StepSize > 0) || !double.IsFinite(StepSize.Value))
                throw JomaException.Argument("StepSizeNotPositive", $"-StepSize must be a finite number above 0 (got {StepSize}).");
            if (Steps is null && Until is null)
                throw JomaException.Argument("EulerLengthMissing", "-Method Euler needs -Steps N or -Until t to know how long to run.");
            if (Steps is < 0)
                throw JomaException.Argument("StepsNegative", $"-Steps must be 0 or more (got {Steps}).");
            if (Steps is null && Until / StepSize > int.MaxValue)
                throw new JomaException("StepCountTooLarge", JomaErrorKind.LimitsExceeded,
                    $"-Until {Until} at -StepSize {StepSize} is {Until / StepSize:N0} Euler updates; at most {int.MaxValue:N0} fit. Use a larger -StepSize or a shorter -Until.");
        }
        else
        {
            if (Until is null)
                throw JomaException.Argument("UntilMissing", "Dormand–Prince needs -Until t (the end time), e.g. -Until 100.");
            if (!(RelativeTolerance > 0) || !(AbsoluteTolerance >= 0) || !double.IsFinite(RelativeTolerance) || !double.IsFinite(AbsoluteTolerance))
                throw JomaException.Argument("ToleranceInvalid", $"-RelativeTolerance must be above 0 and -AbsoluteTolerance 0 or above (got {RelativeTolerance}, {AbsoluteTolerance}).");
            if (!(MaxStep > 0))
                throw JomaException.Argument("MaxStepNotPositive", $"-MaxStep must be above 0 (got {MaxStep}).");
            if (FirstStep is { } h && !(h > 0 && double.IsFinite(h)))
                throw JomaException.Argument("FirstStepNotPositive", $"-FirstStep must be a finite number above 0 (got {h}).");
        }
        if (Until is { } until && !(until > 0 && double.IsFinite(until)))
            throw JomaException.Argument("UntilNotPositive", $"-Until must be a finite time above 0 (got {until}).");
        if (SampleInterval is { } dt && !(dt > 0 && double.IsFinite(dt)))
            throw JomaException.Argument("SampleIntervalNotPositive", $"-SampleInterval must be a finite number above 0 (got {dt}).");
        if (SampleTimes is { } times)
        {
            var end = EndTime;
            foreach (var t in times)
                if (!double.IsFinite(t) || t < 0 || t > end * (1 + 1e-12))
                    throw JomaException.Argument("SampleTimeOutOfRange", $"-SampleTime {t} is outside [0, {end}].");
        }
    }

    /// <summary>The most samples one system may be asked for; beyond it a request is refused before anything is solved.</summary>
    public const long MaxSamples = 10_000_000;

    /// <summary>How many samples the sampling settings ask for (null: one per accepted solver step, not known in advance).</summary>
    public long? PlannedSamples()
    {
        if (SampleTimes is { Length: > 0 } times) return times.Length;
        double end = EndTime;
        if (SampleInterval is { } dt)
        {
            if (Method == IntegrationMethod.Euler) dt = Math.Max(1, Math.Round(dt / StepSize!.Value)) * StepSize!.Value;
            double count = Math.Floor(end / dt) + 2;
            return count >= long.MaxValue ? long.MaxValue : (long)count;
        }
        return Method == IntegrationMethod.Euler ? EulerSteps + 1L : null;
    }

    /// <summary>Refuses (SampleCountTooLarge) a request for more than <see cref="MaxSamples"/> samples, with what it would cost.</summary>
    public void ValidateSampleCount(int dimension)
    {
        Validate();
        if (PlannedSamples() is not { } n || n <= MaxSamples) return;
        double bytes = (double)n * (2 * 8.0 * Math.Max(1, dimension) + 150);
        throw new JomaException("SampleCountTooLarge", JomaErrorKind.LimitsExceeded,
            $"The sampling settings ask for {n:N0} samples of one system (about {bytes / 1e9:N1} GB if kept, for example by Export-Csv or a variable); " +
            $"the limit is {MaxSamples:N0}. Use a larger -SampleInterval, a shorter -Until, a list of -SampleTime values, or -SummaryOnly.");
    }

    /// <summary>Euler's update count: Steps, or round(Until/StepSize).</summary>
    public int EulerSteps => Steps ?? (int)Math.Round(Until!.Value / StepSize!.Value);

    public double EndTime => Method == IntegrationMethod.Euler ? EulerSteps * StepSize!.Value : Until!.Value;
}
