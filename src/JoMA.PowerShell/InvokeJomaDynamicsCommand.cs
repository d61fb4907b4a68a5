using System.Diagnostics;
using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Dynamics;
using JoMA.Engine.Theory;

namespace JoMA.PowerShell;

/// <summary>
/// Integrates JoMA dynamics systems (SCIENCE.md §2). Each pipeline input (bound by property name) is one
/// system; systems are solved in parallel and written in input order, streaming. Only the parameters that
/// describe a system bind from the pipeline; solver settings apply to the whole batch (PowerShell's by-name
/// binding costs a few microseconds per candidate parameter and input, which a 0.05 ms solve notices).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "JomaDynamics", DefaultParameterSetName = "Samples")]
[OutputType(typeof(JomaDynamicsSample), ParameterSetName = new[] { "Samples" })]
[OutputType(typeof(JomaDynamicsSummary), ParameterSetName = new[] { "Summary" })]
[OutputType(typeof(AttentionPrediction), ParameterSetName = new[] { "Prediction" })]
public sealed class InvokeJomaDynamicsCommand : JomaCmdlet, IDisposable
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DynamicsSystemKind System { get; set; } = DynamicsSystemKind.NonlinearSoftmax;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public double[]? Mu { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public double[]? Delta { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public double A { get; set; } = 1.0;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public double[]? InitialValue { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("T")]
    public double Temperature { get; set; } = 3.0;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 1_000_000)]
    public int RandomMu { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long Seed { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    [Parameter]
    public IntegrationMethod Method { get; set; } = IntegrationMethod.DormandPrince;

    [Parameter]
    public double Until { get; set; }

    [Parameter]
    [Alias("Eta")]
    public double StepSize { get; set; }

    [Parameter]
    public int Steps { get; set; }

    [Parameter]
    [Alias("Rtol")]
    public double RelativeTolerance { get; set; } = 1e-6;

    [Parameter]
    [Alias("Atol")]
    public double AbsoluteTolerance { get; set; } = 1e-9;

    [Parameter]
    public double MaxStep { get; set; } = double.PositiveInfinity;

    [Parameter]
    public double FirstStep { get; set; }

    [Parameter(ParameterSetName = "Samples")]
    public double SampleInterval { get; set; }

    [Parameter(ParameterSetName = "Samples")]
    [ValidateNotNullOrEmpty]
    public double[]? SampleTime { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Summary")]
    public SwitchParameter SummaryOnly { get; set; }

    /// <summary>Corpus statistics (Measure-JomaCorpusStatistics): one JoMA system per query, solved into predicted attention shares.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Prediction")]
    [ValidateNotNullOrEmpty]
    public CorpusTokenStatistic[]? Statistics { get; set; }

    [Parameter(ParameterSetName = "Prediction")]
    public PredictionPreset Preset { get; set; } = PredictionPreset.Nonlinear;

    /// <summary>s of the Nonlinear preset: μ_l = s·D_l / max D.</summary>
    [Parameter(ParameterSetName = "Prediction")]
    public double Scale { get; set; } = 3;

    [Parameter(ParameterSetName = "Prediction")]
    [ValidateRange(2, 100_000)]
    public int Samples { get; set; } = 400;

    readonly List<CorpusTokenStatistic> statistics = new();
    bool Predicting => ParameterSetName == "Prediction";

    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>Default end time for Dormand–Prince when neither -Until nor the config gives one (the paper's t range).</summary>
    const double DefaultUntil = 100;

    OrderedWorkQueue<object>? queue;
    bool verbose;
    DynamicsConfig? config;
    int index;
    readonly Stopwatch progressClock = Stopwatch.StartNew();
    readonly Stopwatch progressThrottle = new();
    const int ProgressIntervalMs = 250;

    protected override void BeginProcessing()
    {
        // Per-system verbose lines are built only when someone will see them (sweeps of thousands of systems).
        verbose = MyInvocation.BoundParameters.TryGetValue("Verbose", out var v) ? ((SwitchParameter)v).IsPresent
            : GetVariableValue("VerbosePreference") is ActionPreference preference && preference != ActionPreference.SilentlyContinue;
        if (ConfigPath is not null)
        {
            try { config = DynamicsConfig.Load(ResolveFilePath(ConfigPath)); }
            catch (JomaException e) { ThrowTerminating(e, ConfigPath); }
            WriteVerbose($"Config read from {ResolveFilePath(ConfigPath)}.");
        }
        queue = new OrderedWorkQueue<object>(ThrottleLimit, PipelineStopToken);
    }

    protected override void ProcessRecord()
    {
        if (Predicting) { statistics.AddRange(Statistics!); return; }
        DynamicsProblem problem;
        SolverOptions options;
        try
        {
            (problem, options) = Resolve();
            problem.Validate();
            options.Validate();
            if (!SummaryOnly) options.ValidateSampleCount(problem.Dimension); // refused before anything is solved or allocated
        }
        catch (JomaException e)
        {
            // One bad system among many: report it and go on with the rest.
            WriteJomaError(e, CurrentInput());
            return;
        }
        int id = index++;
        bool summaryOnly = SummaryOnly.IsPresent;
        if (verbose) WriteVerbose($"System {id}: {problem.System}, M = {problem.Dimension}, {options.Method}" +
                     (options.Method == IntegrationMethod.Euler ? $", η = {options.StepSize}, {options.EulerSteps} steps" : $", t ≤ {options.Until}, rtol {options.RelativeTolerance}, atol {options.AbsoluteTolerance}"));
        queue!.Enqueue((report, token) =>
        {
            var clock = Stopwatch.StartNew();
            double end = options.EndTime;
            Action<JomaDynamicsSample>? onSample = summaryOnly ? null : sample =>
            {
                report(sample);
                if (clock.ElapsedMilliseconds > 250) { clock.Restart(); report(new ProgressNote(id, sample.Time / end)); }
            };
            report(DynamicsSolver.Solve(problem, options, onSample, id, token));
        });
        Emit(queue.TakeReady(ReportFailure));
    }

    protected override void EndProcessing()
    {
        if (Predicting) { Predict(); return; }
        if (queue is null) return;
        Emit(queue.TakeAll(ReportFailure));
        WriteProgress(new ProgressRecord(1, "Invoke-JomaDynamics", "Done") { RecordType = ProgressRecordType.Completed });
    }

    protected override void StopProcessing() => queue?.Cancel();

    /// <summary>The prediction parameter set: every statistic collected, then one system per query (solved in parallel).</summary>
    void Predict()
    {
        var options = new AttentionPredictionOptions
        {
            Preset = Preset, Scale = Scale, Temperature = Temperature, A = A, Samples = Samples,
            InitialValue = Bound(nameof(InitialValue)) ? InitialValue![0] : DynamicsProblem.DefaultNonlinearInitialValue,
            Until = Bound(nameof(Until)) ? Until : null,
        };
        try
        {
            AttentionPredictionResult result = null!;
            RunStoppable(() => result = AttentionPredictor.Predict(statistics, options, PipelineStopToken));
            foreach (var (query, reason) in result.Skipped) WriteWarning($"Query '{query}' not predicted: {reason}.");
            foreach (var row in result.Rows) WriteObject(row);
        }
        catch (JomaException e) { ThrowTerminating(e); }
    }

    public void Dispose() => queue?.Dispose();

    sealed record ProgressNote(int Index, double Fraction);

    void Emit(IEnumerable<object> items)
    {
        RunStoppable(() =>
        {
            try
            {
                foreach (var item in items)
                {
                    switch (item)
                    {
                        case ProgressNote note:
                            if (progressThrottle.IsRunning && progressThrottle.ElapsedMilliseconds < ProgressIntervalMs) break;
                            progressThrottle.Restart();
                            WriteProgress(new ProgressRecord(1, "Invoke-JomaDynamics", $"System {note.Index}")
                            {
                                PercentComplete = (int)Math.Clamp(100 * note.Fraction, 0, 100),
                                SecondsRemaining = note.Fraction > 0 ? (int)(progressClock.Elapsed.TotalSeconds * (1 - note.Fraction) / note.Fraction) : -1,
                            });
                            break;
                        case JomaDynamicsSummary summary:
                            if (summary.Status is SolverStatus.StepSizeTooSmall or SolverStatus.TooManySteps)
                                WriteWarning($"System {summary.Index} stopped early at t = {summary.FinalTime}: {summary.Status}.");
                            else if (summary.Status == SolverStatus.BlowUp)
                                WriteVerbose($"System {summary.Index} blew up at t = {summary.BlowUpTime}.");
                            if (SummaryOnly) WriteObject(summary);
                            break;
                        default:
                            WriteObject(item);
                            break;
                    }
                }
            }
            catch
            {
                queue?.Cancel(); // downstream stopped (Select-Object -First) or Ctrl-C: stop the workers too
                throw;
            }
        });
    }

    void ReportFailure(Exception e)
    {
        switch (e)
        {
            case JomaException j: WriteJomaError(j); break;
            case OperationCanceledException: break;
            default: WriteError(new ErrorRecord(e, "DynamicsSolveFailed", ErrorCategory.NotSpecified, null)); break;
        }
    }

    object? CurrentInput() => MyInvocation.BoundParameters.Count > 0 ? Mu ?? Delta : null;

    bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    /// <summary>The config file gives defaults; parameters given on the command line or by the pipeline override them.</summary>
    (DynamicsProblem, SolverOptions) Resolve()
    {
        var c = config ?? new DynamicsConfig();
        var system = Bound(nameof(System)) ? System : c.SystemKind ?? System;
        var mu = Bound(nameof(Mu)) ? Mu : c.Mu?.ToArray();
        int randomMu = Bound(nameof(RandomMu)) ? RandomMu : c.RandomMu ?? 0;
        if (randomMu > 0)
        {
            if (Bound(nameof(Mu)))
                throw JomaException.Argument("MuAndRandomMu", "Give either -Mu or -RandomMu, not both.");
            EnsureTorch();
            mu = RandomTargets.Mu(randomMu, Bound(nameof(Seed)) ? Seed : c.Seed ?? 0);
        }
        var problem = new DynamicsProblem
        {
            System = system,
            Mu = mu,
            Delta = Bound(nameof(Delta)) ? Delta : c.Delta?.ToArray(),
            A = Bound(nameof(A)) ? A : c.A ?? A,
            InitialValue = Bound(nameof(InitialValue)) ? InitialValue : c.InitialValue?.ToArray(),
            Temperature = Bound(nameof(Temperature)) ? Temperature : c.Temperature ?? Temperature,
        };
        var method = Bound(nameof(Method)) ? Method : c.MethodKind ?? Method;
        double? until = Bound(nameof(Until)) ? Until : c.Until;
        double? stepSize = Bound(nameof(StepSize)) ? StepSize : c.StepSize;
        int? steps = Bound(nameof(Steps)) ? Steps : c.Steps;
        var options = new SolverOptions
        {
            Method = method,
            Until = until ?? (method == IntegrationMethod.DormandPrince ? DefaultUntil : null),
            StepSize = stepSize,
            Steps = steps,
            RelativeTolerance = Bound(nameof(RelativeTolerance)) ? RelativeTolerance : c.RelativeTolerance ?? RelativeTolerance,
            AbsoluteTolerance = Bound(nameof(AbsoluteTolerance)) ? AbsoluteTolerance : c.AbsoluteTolerance ?? AbsoluteTolerance,
            MaxStep = Bound(nameof(MaxStep)) ? MaxStep : c.MaxStep ?? MaxStep,
            FirstStep = Bound(nameof(FirstStep)) ? FirstStep : c.FirstStep,
            SampleInterval = Bound(nameof(SampleInterval)) ? SampleInterval : c.SampleInterval,
            SampleTimes = Bound(nameof(SampleTime)) ? SampleTime : c.SampleTimes?.ToArray(),
        };
        return (problem, options);
    }
}
