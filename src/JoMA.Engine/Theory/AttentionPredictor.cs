using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Theory;

/// <summary>The predictions, and the queries that could not be predicted (with the reason) for the cmdlet to warn about.</summary>
public sealed record AttentionPredictionResult(IReadOnlyList<AttentionPrediction> Rows, IReadOnlyList<(string Query, string Reason)> Skipped);

/// <summary>
/// From corpus statistics to predicted attention (SCIENCE.md §7): one JoMA system per query over its listed
/// context tokens and the pooled rest, solved by the same Dormand–Prince engine as Invoke-JomaDynamics; the
/// attention share is a_l(t) = x̄_l e^{z_l} / Σ_k x̄_k e^{z_k} with z = v²/T (Nonlinear) or v²/2 (Linear), so at
/// t = 0 it is the co-occurrence share and the theory's information is in the change ζ_l(t) = log(a_l(t)/a_l(0)).
/// </summary>
public static class AttentionPredictor
{
    public static AttentionPredictionResult Predict(IEnumerable<CorpusTokenStatistic> statistics, AttentionPredictionOptions options,
        CancellationToken cancellation = default)
    {
        options.Validate();
        var queries = statistics.GroupBy(s => (s.Source, s.Query)).Select(g => g.ToList()).ToList();
        var results = new List<AttentionPrediction>[queries.Count];
        var reasons = new string?[queries.Count];
        Parallel.For(0, queries.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            try { results[i] = PredictQuery(queries[i], options); }
            catch (JomaException e) { reasons[i] = e.Message; }
        });
        var skipped = new List<(string, string)>();
        for (int i = 0; i < queries.Count; i++)
            if (reasons[i] is { } reason) skipped.Add((queries[i][0].Query, reason));
        return new AttentionPredictionResult(results.Where(r => r is not null).SelectMany(r => r).ToList(), skipped);
    }

    static List<AttentionPrediction> PredictQuery(List<CorpusTokenStatistic> rows, AttentionPredictionOptions options)
    {
        int count = rows.Count;
        var x = rows.Select(r => r.MeanCount).ToArray();
        var drive = rows.Select(r => r.Drive).ToArray();
        if (x.Any(v => !(v >= 0) || !double.IsFinite(v)) || drive.Any(d => !(d >= 0) || !double.IsFinite(d)))
            throw JomaException.Argument("StatisticInvalid", "a MeanCount or Drive is negative or not a number");
        double xSum = x.Sum(), maxDrive = drive.Max();
        if (xSum <= 0) throw JomaException.Argument("NoContext", "its context tokens have no mean count");
        if (maxDrive <= 0) throw JomaException.Argument("NoDrive", "no context token has a positive drive, so the theory predicts no change");
        var initialShare = x.Select(v => v / xSum).ToArray();

        bool linear = options.Preset == PredictionPreset.Linear;
        // Linear: t*_l = √(π/2)·A/D_l; stop just before the first blow-up, where the shares are still finite.
        double[]? blowUp = linear ? drive.Select(d => d > 0 ? Math.Sqrt(Math.PI / 2) * options.A / d : double.PositiveInfinity).ToArray() : null;
        double until = linear ? 0.999 * blowUp!.Min() : options.Until ?? 100;
        var target = linear ? drive : drive.Select(d => options.Scale * d / maxDrive).ToArray();
        var problem = new DynamicsProblem
        {
            System = linear ? DynamicsSystemKind.Linear : DynamicsSystemKind.NonlinearSoftmax,
            Delta = linear ? target : null, Mu = linear ? null : target, A = options.A, Temperature = options.Temperature,
            InitialValue = new[] { linear ? 0 : options.InitialValue },
        };
        var times = Enumerable.Range(0, options.Samples).Select(i => until * i / (options.Samples - 1)).ToArray();
        // rtol 1e-8: shares to ~1e-6 even near the Linear blow-up, at a fraction of a millisecond per query
        var solver = new SolverOptions { Until = until, SampleTimes = times, RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 };
        double logitScale = linear ? 0.5 : 1 / options.Temperature;

        int samples = times.Length;
        var sampleTimes = new double[samples];
        var shares = new double[samples * count];   // [samples × components]
        var logits = new double[samples * count];   // ζ per sample
        // The system's own attention entropy, H(softmax(z)) as in Fig. 4, times its minimum: the x̄-weighted shares start far
        // from uniform (the pooled rest holds most of the context), so their entropy need not dip where the dynamics does.
        var entropies = new double[samples];
        var z = new double[count];
        int taken = 0;
        DynamicsSolver.Solve(problem, solver, sample =>
        {
            int row = taken * count;
            double shift = double.NegativeInfinity, sum = 0, reference = 0;
            for (int k = 0; k < count; k++) { z[k] = logitScale * sample.V[k] * sample.V[k]; shift = Math.Max(shift, z[k]); }
            for (int k = 0; k < count; k++)
            {
                double e = Math.Exp(z[k] - shift);
                shares[row + k] = x[k] * e;
                sum += x[k] * e;
                reference += initialShare[k] * e;
            }
            double logReference = shift + Math.Log(reference);
            for (int k = 0; k < count; k++) { shares[row + k] /= sum; logits[row + k] = z[k] - logReference; }
            sampleTimes[taken] = sample.Time;
            entropies[taken] = sample.Entropy;
            taken++;
        });

        int minimum = 0;
        for (int s = 1; s < taken; s++) if (entropies[s] < entropies[minimum]) minimum = s;
        int last = taken - 1;
        var result = new List<AttentionPrediction>(count);
        for (int k = 0; k < count; k++)
        {
            var r = rows[k];
            result.Add(new AttentionPrediction
            {
                Source = r.Source, Query = r.Query, Token = r.Token, Rank = r.Rank, Preset = options.Preset.ToString(),
                Drive = r.Drive, Target = target[k], InitialShare = initialShare[k],
                Time = sampleTimes[minimum], Share = shares[minimum * count + k], ExcessLogit = logits[minimum * count + k],
                FinalTime = sampleTimes[last], FinalShare = shares[last * count + k], FinalExcessLogit = logits[last * count + k],
                RiseTime = RiseTime(sampleTimes, shares, taken, count, k, initialShare[k]), BlowUpTime = blowUp is null || double.IsInfinity(blowUp[k]) ? null : blowUp[k],
                EntropyMinimumTime = sampleTimes[minimum], MinimumEntropy = entropies[minimum],
            });
        }
        return result;
    }

    /// <summary>The first time the share reaches twice its initial value (linear between samples); null if it never does.</summary>
    static double? RiseTime(double[] times, double[] shares, int samples, int count, int k, double initial)
    {
        double threshold = 2 * initial;
        for (int s = 1; s < samples; s++)
        {
            double before = shares[(s - 1) * count + k], after = shares[s * count + k];
            if (after < threshold) continue;
            if (before >= threshold) return times[s - 1];
            return times[s - 1] + (threshold - before) / (after - before) * (times[s] - times[s - 1]);
        }
        return null;
    }
}
