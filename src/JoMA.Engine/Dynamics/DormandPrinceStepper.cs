using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static JoMA.Engine.Metrics.VectorMath;
namespace JoMA.Engine.Dynamics;

/// <summary>
/// Adaptive Dormand–Prince 5(4) (Hairer, Nørsett &amp; Wanner, DOPRI5) with FSAL, the error norm and
/// step-size controller of scipy's RK45, and DOPRI5's 4th-order continuous extension for dense output.
/// Written here because no .NET library offers an adaptive solver with dense output and events
/// (MathNet.Numerics has fixed-step Runge–Kutta only). One step at a time, so the caller can sample,
/// locate events and stop between steps. States have the system's padded <see cref="DynamicsSystem.Length"/>;
/// every loop runs a vector at a time, and the padding lanes stay zero.
/// </summary>
public sealed class DormandPrinceStepper
{
    // Butcher tableau.
    const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    const double A21 = 1.0 / 5;
    const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    const double A71 = 35.0 / 384, A73 = 500.0 / 1113, A74 = 125.0 / 192, A75 = -2187.0 / 6784, A76 = 11.0 / 84;
    // 5th-order minus 4th-order weights: the local error estimate.
    const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;
    // Dense output (DOPRI5 contd5).
    const double D1 = -12715105075.0 / 11282082432, D3 = 87487479700.0 / 32700410799, D4 = -10690763975.0 / 1880347072,
                 D5 = 701980252875.0 / 199316789632, D6 = -1453857185.0 / 822651844, D7 = 69997945.0 / 29380423;

    const double Safety = 0.9, MinFactor = 0.2, MaxFactor = 10.0;

    readonly DynamicsSystem system;
    readonly double rtol, atol, maxStep, tEnd;
    /// <summary>Components (for the RMS norm) and the padded length of every array.</summary>
    readonly int n, length;
    readonly double[] k1, k2, k3, k4, k5, k6, k7, yStage, yNew, error;
    readonly double[] r1, r2, r3, r4, r5; // dense-output coefficients of the last accepted step
    double h;

    public DormandPrinceStepper(DynamicsSystem system, double[] y0, double tEnd, SolverOptions options)
    {
        this.system = system;
        n = system.Dimension;
        length = system.Length;
        if (y0.Length != length) throw new ArgumentException($"The state must have the system's padded length {length}.", nameof(y0));
        rtol = options.RelativeTolerance;
        atol = options.AbsoluteTolerance;
        maxStep = options.MaxStep;
        this.tEnd = tEnd;
        Y = (double[])y0.Clone();
        YPrevious = (double[])y0.Clone();
        k1 = new double[length]; k2 = new double[length]; k3 = new double[length]; k4 = new double[length];
        k5 = new double[length]; k6 = new double[length]; k7 = new double[length];
        yStage = new double[length]; yNew = new double[length]; error = new double[length];
        r1 = new double[length]; r2 = new double[length]; r3 = new double[length]; r4 = new double[length]; r5 = new double[length];
        system.Derivative(Y, k1);
        Evaluations = 1;
        h = Math.Min(options.FirstStep ?? InitialStep(), maxStep);
    }

    public double T { get; private set; }
    public double TPrevious { get; private set; }
    /// <summary>The state at <see cref="T"/>.</summary>
    public double[] Y { get; }
    public double[] YPrevious { get; }
    /// <summary>f(Y) at <see cref="T"/> (first-same-as-last).</summary>
    public ReadOnlySpan<double> Derivative => k1;
    public long Accepted { get; private set; }
    public long Rejected { get; private set; }
    public long Evaluations { get; internal set; }
    public bool Finished => T >= tEnd;

    /// <summary>
    /// Takes one accepted step (retrying with smaller steps as needed). Returns null on success, or the
    /// status that ended the integration (the step size collapsed, or too many steps).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public SolverStatus? Step(int maxStepCount)
    {
        while (true)
        {
            if (Accepted + Rejected >= maxStepCount) return SolverStatus.TooManySteps;
            double minStep = 10 * (Math.BitIncrement(Math.Abs(T)) - Math.Abs(T));
            if (h < minStep) return SolverStatus.StepSizeTooSmall;
            double step = Math.Min(h, maxStep);
            bool last = T + step >= tEnd;
            if (last) step = tEnd - T;

            TrialStep(step);
            double err = ErrorNorm();
            if (double.IsFinite(err) && err <= 1)
            {
                double factor = err == 0 ? MaxFactor : Math.Min(MaxFactor, Safety * Math.Pow(err, -0.2));
                if (rejectedSinceAccept) factor = Math.Min(1, factor);
                rejectedSinceAccept = false;
                Accept(step, last);
                h = step * factor;
                return null;
            }
            Rejected++;
            rejectedSinceAccept = true;
            h = step * (double.IsFinite(err) ? Math.Max(MinFactor, Safety * Math.Pow(err, -0.2)) : MinFactor);
        }
    }

    bool rejectedSinceAccept;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    void TrialStep(double step)
    {
        var h = Vector256.Create(step);
        for (int i = 0; i < length; i += 4) Store(Load(Y, i) + h * (A21 * Load(k1, i)), yStage, i);
        system.Derivative(yStage, k2);
        for (int i = 0; i < length; i += 4) Store(Load(Y, i) + h * (A31 * Load(k1, i) + A32 * Load(k2, i)), yStage, i);
        system.Derivative(yStage, k3);
        for (int i = 0; i < length; i += 4)
            Store(Load(Y, i) + h * (A41 * Load(k1, i) + A42 * Load(k2, i) + A43 * Load(k3, i)), yStage, i);
        system.Derivative(yStage, k4);
        for (int i = 0; i < length; i += 4)
            Store(Load(Y, i) + h * (A51 * Load(k1, i) + A52 * Load(k2, i) + A53 * Load(k3, i) + A54 * Load(k4, i)), yStage, i);
        system.Derivative(yStage, k5);
        for (int i = 0; i < length; i += 4)
            Store(Load(Y, i) + h * (A61 * Load(k1, i) + A62 * Load(k2, i) + A63 * Load(k3, i) + A64 * Load(k4, i) + A65 * Load(k5, i)), yStage, i);
        system.Derivative(yStage, k6);
        for (int i = 0; i < length; i += 4)
            Store(Load(Y, i) + h * (A71 * Load(k1, i) + A73 * Load(k3, i) + A74 * Load(k4, i) + A75 * Load(k5, i) + A76 * Load(k6, i)), yNew, i);
        system.Derivative(yNew, k7);
        Evaluations += 6;
        for (int i = 0; i < length; i += 4)
            Store(h * (E1 * Load(k1, i) + E3 * Load(k3, i) + E4 * Load(k4, i) + E5 * Load(k5, i) + E6 * Load(k6, i) + E7 * Load(k7, i)), error, i);
    }

    /// <summary>RMS of error / (atol + rtol·max(|y|, |y_new|)); ∞ when the trial produced non-finite values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    double ErrorNorm()
    {
        var sum = Vector256<double>.Zero;
        var nonFinite = Vector256<double>.Zero; // x·0 is 0 for finite x and NaN otherwise
        var a = Vector256.Create(atol);
        var r = Vector256.Create(rtol);
        for (int i = 0; i < length; i += 4)
        {
            var y = Load(Y, i);
            var next = Load(yNew, i);
            nonFinite += next * Vector256<double>.Zero + Load(k7, i) * Vector256<double>.Zero;
            var e = Load(error, i) / (a + r * Vector256.Max(Vector256.Abs(y), Vector256.Abs(next)));
            sum += e * e;
        }
        if (Vector256.Sum(nonFinite) != 0) return double.PositiveInfinity;
        return Math.Sqrt(Vector256.Sum(sum) / n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    void Accept(double step, bool last)
    {
        var h = Vector256.Create(step);
        for (int i = 0; i < length; i += 4)
        {
            var y = Load(Y, i);
            var first = Load(k1, i);
            var seventh = Load(k7, i);
            var r2i = Load(yNew, i) - y;
            var r3i = h * first - r2i;
            Store(y, r1, i);
            Store(r2i, r2, i);
            Store(r3i, r3, i);
            Store(r2i - h * seventh - r3i, r4, i);
            Store(h * (D1 * first + D3 * Load(k3, i) + D4 * Load(k4, i) + D5 * Load(k5, i) + D6 * Load(k6, i) + D7 * seventh), r5, i);
        }
        Array.Copy(Y, YPrevious, length);
        Array.Copy(yNew, Y, length);
        Array.Copy(k7, k1, length);
        TPrevious = T;
        T = last ? tEnd : T + step;
        Accepted++;
    }

    /// <summary>4th-order dense output at t ∈ [TPrevious, T] of the last accepted step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop: skip tier-0 JIT
    public void Interpolate(double t, Span<double> y)
    {
        double span = T - TPrevious;
        double theta = span == 0 ? 1 : (t - TPrevious) / span, theta1 = 1 - theta;
        var a = Vector256.Create(theta);
        var b = Vector256.Create(theta1);
        for (int i = 0; i < length; i += 4)
            Store(Load(r1, i) + a * (Load(r2, i) + b * (Load(r3, i) + a * (Load(r4, i) + b * Load(r5, i)))), y, i);
    }

    /// <summary>Hairer &amp; Wanner's starting step (Solving ODEs I, II.4).</summary>
    double InitialStep()
    {
        double d0 = 0, d1 = 0;
        for (int i = 0; i < n; i++)
        {
            double scale = atol + rtol * Math.Abs(Y[i]);
            d0 += Math.Pow(Y[i] / scale, 2);
            d1 += Math.Pow(k1[i] / scale, 2);
        }
        d0 = Math.Sqrt(d0 / n); d1 = Math.Sqrt(d1 / n);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, tEnd);
        for (int i = 0; i < length; i++) yStage[i] = Y[i] + h0 * k1[i];
        system.Derivative(yStage, k2);
        Evaluations++;
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double scale = atol + rtol * Math.Abs(Y[i]);
            d2 += Math.Pow((k2[i] - k1[i]) / scale, 2);
        }
        d2 = Math.Sqrt(d2 / n) / h0;
        double h1 = Math.Max(d1, d2) <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / Math.Max(d1, d2), 1.0 / 5);
        if (!double.IsFinite(h1)) h1 = h0;
        return Math.Min(100 * h0, h1);
    }
}
