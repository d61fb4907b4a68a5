using System.Runtime.CompilerServices;
using JoMA.Engine.Metrics;
namespace JoMA.Engine.Dynamics;

/// <summary>
/// Solves one <see cref="DynamicsProblem"/>: reports samples through a callback as they are reached,
/// locates entropy minima and blow-ups, and returns a summary. Never reports NaN or ∞: a blow-up ends
/// the solve with <see cref="SolverStatus.BlowUp"/> and its time.
/// </summary>
public static class DynamicsSolver
{
    /// <summary>Above this growth exponent (e.g. v²/2) a collapsing step size is a blow-up, not stiffness.</summary>
    const double BlowUpExponent = 8;
    /// <summary>exp(700) is near double's limit: stop before f overflows.</summary>
    const double OverflowExponent = 700;

    public static JomaDynamicsSummary Solve(DynamicsProblem problem, SolverOptions options, Action<JomaDynamicsSample>? onSample = null,
        int index = 0, CancellationToken cancellation = default)
    {
        problem.Validate();
        options.Validate();
        if (onSample is not null) options.ValidateSampleCount(problem.Dimension);
        return options.Method == IntegrationMethod.Euler
            ? SolveEuler(problem, options, onSample, index, cancellation)
            : SolveDormandPrince(problem, options, onSample, index, cancellation);
    }

    /// <summary>A sample of the padded state <paramref name="v"/>, trimmed to the system's components.</summary>
    static JomaDynamicsSample Sample(DynamicsSystem system, int index, double t, long step, ReadOnlySpan<double> v)
    {
        var attention = new double[system.Length];
        system.Attention(v, attention);
        return new JomaDynamicsSample
        {
            Index = index, System = system.Kind, Time = t, Step = step, V = v[..system.Dimension].ToArray(),
            Attention = attention[..system.Dimension], Entropy = AttentionEntropy.Of(attention),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    static JomaDynamicsSummary SolveDormandPrince(DynamicsProblem problem, SolverOptions options, Action<JomaDynamicsSample>? onSample,
        int index, CancellationToken cancellation)
    {
        var system = problem.CreateSystem();
        var y0 = VectorMath.Padded(problem.ResolvedInitialValue());
        double until = options.Until!.Value;
        var stepper = new DormandPrinceStepper(system, y0, until, options);
        var schedule = onSample is null ? null : SampleSchedule(options, until);
        int nextSample = 0;
        var scratch = new double[y0.Length];
        var scratchRate = new double[y0.Length];

        double initialEntropy = system.Entropy(y0);
        double minEntropy = initialEntropy, minTime = 0;
        var minima = new List<double>();
        double previousRate = system.EntropyRate(stepper.Y, stepper.Derivative);
        var status = SolverStatus.Completed;
        double? blowUpTime = null;
        long extraEvaluations = 0;

        if (schedule is null) onSample?.Invoke(Sample(system, index, 0, 0, y0));
        else
            while (nextSample < schedule.Length && schedule[nextSample] <= 0)
                onSample?.Invoke(Sample(system, index, schedule[nextSample++], 0, y0));

        while (!stepper.Finished)
        {
            cancellation.ThrowIfCancellationRequested();
            var failure = stepper.Step(options.MaxStepCount);
            if (failure is not null)
            {
                status = failure.Value;
                if (status == SolverStatus.StepSizeTooSmall && system.GrowthExponent(stepper.Y) > BlowUpExponent)
                {
                    status = SolverStatus.BlowUp;
                    blowUpTime = stepper.T + RemainingTimeToBlowUp(stepper.Y, stepper.Derivative);
                }
                break;
            }

            // Entropy-minimum event: dH/dt crosses from − to + inside the step.
            double rate = system.EntropyRate(stepper.Y, stepper.Derivative);
            if (previousRate < 0 && rate >= 0)
            {
                double RateAt(double t)
                {
                    stepper.Interpolate(t, scratch);
                    system.Derivative(scratch, scratchRate);
                    extraEvaluations++;
                    return system.EntropyRate(scratch, scratchRate);
                }
                double tMin = RootFinder.Brent(RateAt, stepper.TPrevious, stepper.T, previousRate, rate, 1e-12 * Math.Max(1, stepper.T));
                stepper.Interpolate(tMin, scratch);
                double hMin = system.Entropy(scratch);
                minima.Add(tMin);
                if (hMin < minEntropy) { minEntropy = hMin; minTime = tMin; }
            }
            previousRate = rate;

            if (schedule is null) onSample?.Invoke(Sample(system, index, stepper.T, stepper.Accepted, stepper.Y));
            else
                while (nextSample < schedule.Length && schedule[nextSample] <= stepper.T)
                {
                    double t = schedule[nextSample++];
                    stepper.Interpolate(t, scratch);
                    onSample?.Invoke(Sample(system, index, t, stepper.Accepted, scratch));
                }

            if (system.GrowthExponent(stepper.Y) > OverflowExponent)
            {
                status = SolverStatus.BlowUp;
                blowUpTime = stepper.T + RemainingTimeToBlowUp(stepper.Y, stepper.Derivative);
                break;
            }
        }

        double finalEntropy = system.Entropy(stepper.Y);
        if (finalEntropy < minEntropy) { minEntropy = finalEntropy; minTime = stepper.T; }
        return Summary(problem, options, index, status) with
        {
            InitialEntropy = initialEntropy, MinEntropy = minEntropy, MinEntropyTime = minTime, EntropyMinimumTimes = minima.ToArray(),
            FinalTime = stepper.T, FinalEntropy = finalEntropy, FinalV = stepper.Y[..system.Dimension], BlowUpTime = blowUpTime,
            AcceptedSteps = stepper.Accepted, RejectedSteps = stepper.Rejected, Evaluations = stepper.Evaluations + extraEvaluations,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    static JomaDynamicsSummary SolveEuler(DynamicsProblem problem, SolverOptions options, Action<JomaDynamicsSample>? onSample,
        int index, CancellationToken cancellation)
    {
        var system = problem.CreateSystem();
        var v = VectorMath.Padded(problem.ResolvedInitialValue());
        var dv = new double[v.Length];
        double eta = options.StepSize!.Value;
        int steps = options.EulerSteps;
        var sampleSteps = EulerSampleSteps(options, steps);

        double initialEntropy = system.Entropy(v), minEntropy = double.PositiveInfinity, entropy = initialEntropy;
        long minStep = 0;
        var minima = new List<double>();
        double before = double.NaN, beforeBefore = double.NaN;
        var status = SolverStatus.Completed;
        double? blowUpTime = null;
        int k = 0;
        for (; ; k++)
        {
            entropy = system.Entropy(v);
            if (entropy < minEntropy) { minEntropy = entropy; minStep = k; }
            if (before < beforeBefore && before <= entropy) minima.Add((k - 1) * eta); // discrete local minimum at k−1
            beforeBefore = before; before = entropy;
            if (sampleSteps is null ? true : sampleSteps.Contains(k)) onSample?.Invoke(Sample(system, index, k * eta, k, v));
            if (k == steps) break;
            if ((k & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            system.Derivative(v, dv);
            bool finite = true;
            for (int i = 0; i < v.Length; i++)
            {
                double next = v[i] + eta * dv[i];
                finite &= double.IsFinite(next);
                if (finite) v[i] = next;
            }
            if (!finite || system.GrowthExponent(v) > OverflowExponent)
            {
                status = SolverStatus.BlowUp;
                blowUpTime = (k + 1) * eta;
                break;
            }
        }
        return Summary(problem, options, index, status) with
        {
            InitialEntropy = initialEntropy, MinEntropy = minEntropy, MinEntropyTime = minStep * eta, MinEntropyStep = minStep,
            EntropyMinimumTimes = minima.ToArray(), FinalTime = k * eta, FinalEntropy = entropy, FinalV = v[..system.Dimension], BlowUpTime = blowUpTime,
            AcceptedSteps = k, Evaluations = k,
        };
    }

    static JomaDynamicsSummary Summary(DynamicsProblem problem, SolverOptions options, int index, SolverStatus status) => new()
    {
        Index = index, System = problem.System, Method = options.Method, Status = status,
        Mu = problem.Mu ?? Array.Empty<double>(), Delta = problem.Delta ?? Array.Empty<double>(), A = problem.A,
        Temperature = problem.Temperature, InitialValue = problem.ResolvedInitialValue(),
        RelativeTolerance = options.RelativeTolerance, AbsoluteTolerance = options.AbsoluteTolerance, StepSize = options.StepSize,
    };

    /// <summary>
    /// Near a blow-up each growing component obeys v' ≈ c·exp(v²/2), so the time left is
    /// ∫_v^∞ e^{−u²/2}/c du ≈ 1/(|v'|·|v|): negligible, but it makes the reported time first-order exact.
    /// </summary>
    static double RemainingTimeToBlowUp(ReadOnlySpan<double> v, ReadOnlySpan<double> dv)
    {
        double remaining = double.PositiveInfinity;
        for (int i = 0; i < v.Length; i++)
        {
            double rate = Math.Abs(dv[i] * v[i]);
            if (rate > 0 && double.IsFinite(rate)) remaining = Math.Min(remaining, 1 / rate);
        }
        return double.IsFinite(remaining) ? remaining : 0;
    }

    /// <summary>Reporting times for Dormand–Prince, or null to report every accepted step.</summary>
    static double[]? SampleSchedule(SolverOptions options, double until)
    {
        if (options.SampleTimes is { Length: > 0 } times) return times.Order().ToArray();
        if (options.SampleInterval is not { } dt) return null;
        long count = (long)Math.Floor(until / dt * (1 + 1e-12));
        var grid = new List<double>((int)Math.Min(count + 2, 10_000_000));
        for (long i = 0; i <= count; i++) grid.Add(Math.Min(i * dt, until));
        if (until - grid[^1] > 1e-12 * until) grid.Add(until);
        return grid.ToArray();
    }

    /// <summary>Update counts at which Euler reports, or null for every update.</summary>
    static HashSet<long>? EulerSampleSteps(SolverOptions options, int steps)
    {
        double eta = options.StepSize!.Value;
        if (options.SampleTimes is { Length: > 0 } times) return times.Select(t => (long)Math.Round(t / eta)).ToHashSet();
        if (options.SampleInterval is not { } dt) return null;
        long every = Math.Max(1, (long)Math.Round(dt / eta));
        var set = new HashSet<long>();
        for (long k = 0; k <= steps; k += every) set.Add(k);
        set.Add(steps);
        return set;
    }
}
