using System.Runtime.CompilerServices;

namespace JoMA.Engine.Theory;

/// <summary>
/// The engine of Compare-JomaAttentionPrediction (SCIENCE.md §7): scores the theory's predicted attention and six
/// baselines against the attention trained checkpoints give, per (Run, Layer, Head), query by query, and
/// summarises each metric as a median over queries with a percentile bootstrap interval. For each baseline it
/// also gives the paired difference Theory − baseline, whose interval above 0 is what "the theory beats it" means.
/// Metrics per step: M1 Spearman(pred, ζ_obs); M3Top3 / M3Top5 top-k overlap; M5 sign agreement. Over the steps
/// (Step null): M4 Kendall τ-b of rise order per query; M6 Spearman across queries of the entropy-minimum timing.
/// </summary>
public static class PredictionComparison
{
    /// <summary>The predictors in output order; Null is the theory shuffled within each query.</summary>
    public static IReadOnlyList<string> Predictors { get; } = ["Theory", "CoOccurrence", "Unigram", "Pmi", "QueryFree", "Recency", "Null"];
    /// <summary>The per-step metrics in output order.</summary>
    public static IReadOnlyList<string> StepMetrics { get; } = ["M1", "M3Top3", "M3Top5", "M5"];

    const int Theory = 0, CoOccurrence = 1, Unigram = 2, Pmi = 3, QueryFree = 4, Recency = 5, Null = 6, PredictorCount = 7;
    const int M1 = 0, M3Top3 = 1, M3Top5 = 2, M5 = 3, StepMetricCount = 4;
    /// <summary>A rank correlation of fewer pairs (tokens of a query, or queries for M6) says nothing.</summary>
    const int MinimumPairs = 3;
    /// <summary>A token has risen once its share reaches this multiple of its share at the first step (the theory's RiseTime uses the same factor).</summary>
    const double RiseFactor = 2;
    const ulong BootstrapPurpose = 1, NullPurpose = 2;

    /// <summary>
    /// Scores <paramref name="predictions"/> and the baselines in <paramref name="statistics"/> against
    /// <paramref name="observations"/>. Each input must hold one source (one preset for the predictions): a token
    /// listed twice throws. Pooled rows are ignored. With no predictions at all only the baselines are scored.
    /// </summary>
    public static PredictionComparisonResult Compare(
        IReadOnlyList<CorpusTokenStatistic> statistics,
        IReadOnlyList<AttentionPrediction> predictions,
        IReadOnlyList<TokenAttention> observations,
        PredictionComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new PredictionComparisonOptions();
        options.Validate();

        var queries = ComparisonQuery.Build(statistics, predictions, options.UseFinalPrediction);
        var groups = ObservedAttentionGroup.Build(observations, queries);
        var scorer = new Scorer(queries, options);
        foreach (var group in groups) scorer.Score(group);
        return new PredictionComparisonResult(scorer.Scores, scorer.Skipped);
    }

    /// <summary>
    /// The buffers of one comparison, allocated once and reused for every group, step and query. The hot methods are
    /// AggressiveOptimization: the cmdlet runs a comparison once, and tier-0 code would do most of that one run.
    /// </summary>
    sealed class Scorer
    {
        readonly IReadOnlyList<ComparisonQuery> queries;
        readonly PredictionComparisonOptions options;
        readonly bool hasTheory;
        readonly QueryBootstrap bootstrap;
        readonly int maxTokens;
        // Per query values of each metric and predictor (NaN = not computed for that query), and the paired differences.
        readonly double[][][] stepValues;
        readonly double[][] seriesValues;
        readonly double[] difference;
        // Per query scratch, in the query's token order.
        readonly int[] usable;
        readonly double[] observed, predicted, weights, shares, metricScratch, nullSum;
        readonly double[] observedRanks, predictedRanks, theoryValues, theoryRanks, rankKeys;
        readonly bool[] observedTop3, observedTop5;
        readonly int[] nullCount, rankItems;
        readonly bool[] groupSkipped;

        public List<PredictionScore> Scores { get; } = [];
        public List<SkippedQuery> Skipped { get; } = [];

        public Scorer(IReadOnlyList<ComparisonQuery> queries, PredictionComparisonOptions options)
        {
            this.queries = queries;
            this.options = options;
            hasTheory = queries.Any(q => q.AnyPrediction);
            int n = queries.Count;
            bootstrap = new QueryBootstrap(n, options.BootstrapResamples, options.Confidence, SplitMixStream.Derive(options.Seed, BootstrapPurpose));
            maxTokens = queries.Count == 0 ? 0 : queries.Max(q => q.Tokens.Length);
            stepValues = new double[StepMetricCount][][];
            for (int m = 0; m < StepMetricCount; m++)
            {
                stepValues[m] = new double[PredictorCount][];
                for (int p = 0; p < PredictorCount; p++) stepValues[m][p] = new double[n];
            }
            seriesValues = new double[PredictorCount][];
            for (int p = 0; p < PredictorCount; p++) seriesValues[p] = new double[n];
            difference = new double[n];
            usable = new int[maxTokens];
            observed = new double[maxTokens];
            predicted = new double[maxTokens];
            weights = new double[maxTokens];
            shares = new double[maxTokens];
            observedRanks = new double[maxTokens];
            predictedRanks = new double[maxTokens];
            theoryValues = new double[maxTokens];
            theoryRanks = new double[maxTokens];
            rankKeys = new double[maxTokens];
            rankItems = new int[maxTokens];
            observedTop3 = new bool[maxTokens];
            observedTop5 = new bool[maxTokens];
            metricScratch = new double[StepMetricCount];
            nullSum = new double[StepMetricCount];
            nullCount = new int[StepMetricCount];
            groupSkipped = new bool[n];
        }

        public void Score(ObservedAttentionGroup group)
        {
            foreach (string name in group.UnknownQueries) Skip(group, null, name, "no corpus statistics for this query");
            for (int q = 0; q < queries.Count; q++)
            {
                groupSkipped[q] = true;
                if (!group.Observed[q]) Skip(group, null, queries[q].Name, "not observed");
                else if (hasTheory && !queries[q].AnyPrediction) Skip(group, null, queries[q].Name, "no prediction for this query");
                else groupSkipped[q] = false;
            }
            for (int s = 0; s < group.Steps.Length; s++) ScoreStep(group, s);
            ScoreRiseOrder(group);
            ScoreEntropyMinimumTiming(group);
        }

        // ---- Per step: M1, M3Top3, M3Top5, M5 ----

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ScoreStep(ObservedAttentionGroup group, int s)
        {
            foreach (var perPredictor in stepValues)
                foreach (var values in perPredictor) Array.Fill(values, double.NaN);

            for (int q = 0; q < queries.Count; q++)
            {
                if (groupSkipped[q]) continue;
                var query = queries[q];
                var rows = group.Rows[s][q];
                int n = 0;
                for (int t = 0; t < rows.Length; t++)
                {
                    if (rows[t] is not { } row || (hasTheory && !query.Predicted[t])) continue;
                    double? z = options.PositionAdjusted ? row.PositionAdjustedExcessLogit : row.ExcessLogit;
                    if (z is not { } zeta || !double.IsFinite(zeta)) continue;
                    usable[n] = t;
                    observed[n] = zeta;
                    n++;
                }
                if (n < MinimumPairs)
                {
                    Skip(group, group.Steps[s], query.Name, $"fewer than {MinimumPairs} usable tokens ({n})");
                    continue;
                }
                // What every predictor is compared with: the observation's ranks and top sets, once per query.
                var obs = observed.AsSpan(0, n);
                RankStatistics.AverageRanks(obs, observedRanks.AsSpan(0, n), rankKeys, rankItems);
                if (n > 3) TokenRankingMetrics.MarkTop(obs, 3, observedTop3.AsSpan(0, n));
                if (n > 5) TokenRankingMetrics.MarkTop(obs, 5, observedTop5.AsSpan(0, n));
                var pred = predicted.AsSpan(0, n);
                var ranks = predictedRanks.AsSpan(0, n);
                var initial = weights.AsSpan(0, hasTheory ? n : 0);
                for (int i = 0; i < initial.Length; i++) initial[i] = query.InitialShare[usable[i]];

                bool theoryScored = false;
                for (int p = 0; p < PredictorCount; p++)
                {
                    if (p == Null || ((p == Theory) && !hasTheory)) continue;
                    if (!FillStepPrediction(p, query, rows, n)) continue;
                    RankStatistics.AverageRanks(pred, ranks, rankKeys, rankItems);
                    double centre = p is Theory or Recency ? 0 : TokenRankingMetrics.Centre(pred, initial);
                    ScoreTokens(n, centre);
                    for (int m = 0; m < StepMetricCount; m++) stepValues[m][p][q] = metricScratch[m];
                    if (p == Theory)
                    {
                        pred.CopyTo(theoryValues);
                        ranks.CopyTo(theoryRanks);
                        theoryScored = true;
                    }
                }
                if (theoryScored) ScoreNull(q, n);
            }
            EmitStep(group, s);
        }

        /// <summary>Fills predicted[0..n) with predictor p's value of each usable token; false when one is missing or not finite.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        bool FillStepPrediction(int p, ComparisonQuery query, TokenAttention?[] rows, int n)
        {
            for (int i = 0; i < n; i++)
            {
                int t = usable[i];
                double v = p switch
                {
                    Theory => query.Theory[t],
                    CoOccurrence => query.CoOccurrence[t],
                    Unigram => query.Unigram[t],
                    Pmi => query.Pmi[t],
                    QueryFree => query.QueryFreeDrive[t],
                    _ => rows[t]!.RecencyExcessLogit ?? double.NaN,
                };
                if (!double.IsFinite(v)) return false;
                predicted[i] = v;
            }
            return true;
        }

        /// <summary>
        /// The Null predictor: the theory's values shuffled among the query's usable tokens, each metric averaged over
        /// the permutations. Shuffling the theory's ranks alongside gives the shuffled values' ranks without a sort.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ScoreNull(int q, int n)
        {
            var pred = predicted.AsSpan(0, n);
            var ranks = predictedRanks.AsSpan(0, n);
            Array.Clear(nullSum);
            Array.Clear(nullCount);
            for (int k = 0; k < options.NullPermutations; k++)
            {
                theoryValues.AsSpan(0, n).CopyTo(pred);
                theoryRanks.AsSpan(0, n).CopyTo(ranks);
                Shuffle(pred, ranks, q, k);
                ScoreTokens(n, 0);
                for (int m = 0; m < StepMetricCount; m++)
                    if (!double.IsNaN(metricScratch[m])) { nullSum[m] += metricScratch[m]; nullCount[m]++; }
            }
            for (int m = 0; m < StepMetricCount; m++)
                if (nullCount[m] > 0) stepValues[m][Null][q] = nullSum[m] / nullCount[m];
        }

        /// <summary>Scores predicted[0..n) (with its ranks in predictedRanks) against the query's observation into metricScratch.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ScoreTokens(int n, double centre)
        {
            var pred = predicted.AsSpan(0, n);
            var obs = observed.AsSpan(0, n);
            metricScratch[M1] = RankStatistics.CorrelationOfRanks(predictedRanks.AsSpan(0, n), observedRanks.AsSpan(0, n)) ?? double.NaN;
            metricScratch[M3Top3] = TokenRankingMetrics.TopOverlap(pred, observedTop3.AsSpan(0, n), 3);
            metricScratch[M3Top5] = TokenRankingMetrics.TopOverlap(pred, observedTop5.AsSpan(0, n), 5);
            metricScratch[M5] = TokenRankingMetrics.SignAgreement(pred, obs, centre);
        }

        void EmitStep(ObservedAttentionGroup group, int s)
        {
            for (int m = 0; m < StepMetricCount; m++)
                for (int p = 0; p < PredictorCount; p++)
                    Emit(group, group.Steps[s], StepMetrics[m], p, stepValues[m]);
        }

        // ---- Over the steps: M4 rise order ----

        /// <summary>
        /// M4: Kendall τ-b per query between the predicted and the observed rise order. A token rises at the first step
        /// whose share is at least twice its share at the group's first step; one that never does (or a theory RiseTime
        /// of null) is +∞: after every riser, tied with the other non-risers. Baselines predict that a larger value
        /// rises earlier, so they enter as −value; Recency as −(its excess logit averaged over the steps).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ScoreRiseOrder(ObservedAttentionGroup group)
        {
            foreach (var values in seriesValues) Array.Fill(values, double.NaN);
            int steps = group.Steps.Length;
            for (int q = 0; q < queries.Count; q++)
            {
                if (groupSkipped[q]) continue;
                var query = queries[q];
                var first = group.Rows[0][q];
                int n = 0;
                for (int t = 0; t < first.Length; t++)
                {
                    if (first[t] is not { } row || (hasTheory && !query.Predicted[t])) continue;
                    double share0 = Share(row);
                    if (!(share0 > 0) || !double.IsFinite(share0)) continue;
                    usable[n] = t;
                    shares[n] = share0;
                    n++;
                }
                if (n < MinimumPairs)
                {
                    Skip(group, null, query.Name, $"M4: fewer than {MinimumPairs} tokens observed at the first step ({n})");
                    continue;
                }
                var obs = observed.AsSpan(0, n);
                for (int i = 0; i < n; i++)
                {
                    obs[i] = double.PositiveInfinity;
                    for (int s = 1; s < steps; s++)
                        if (group.Rows[s][q][usable[i]] is { } row && Share(row) >= RiseFactor * shares[i])
                        {
                            obs[i] = group.Steps[s];
                            break;
                        }
                }

                var pred = predicted.AsSpan(0, n);
                for (int p = 0; p < PredictorCount; p++)
                {
                    if (p == Null || ((p == Theory) && !hasTheory)) continue;
                    if (!FillRisePrediction(p, group, q, n)) continue;
                    seriesValues[p][q] = RankStatistics.KendallTauB(pred, obs) ?? double.NaN;
                }
                if (hasTheory)
                {
                    double sum = 0;
                    int count = 0;
                    for (int k = 0; k < options.NullPermutations; k++)
                    {
                        for (int i = 0; i < n; i++) pred[i] = query.RiseTime[usable[i]];
                        Shuffle(pred, [], q, k);
                        if (RankStatistics.KendallTauB(pred, obs) is { } tau) { sum += tau; count++; }
                    }
                    if (count > 0) seriesValues[Null][q] = sum / count;
                }
            }
            for (int p = 0; p < PredictorCount; p++) Emit(group, null, "M4", p, seriesValues);
        }

        /// <summary>Fills predicted[0..n) with predictor p's rise "time" (earlier = smaller); false when a value is missing.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        bool FillRisePrediction(int p, ObservedAttentionGroup group, int q, int n)
        {
            var query = queries[q];
            for (int i = 0; i < n; i++)
            {
                int t = usable[i];
                double v;
                switch (p)
                {
                    case Theory: predicted[i] = query.RiseTime[t]; continue;   // +∞ is a value here (censored)
                    case CoOccurrence: v = query.CoOccurrence[t]; break;
                    case Unigram: v = query.Unigram[t]; break;
                    case Pmi: v = query.Pmi[t]; break;
                    case QueryFree: v = query.QueryFreeDrive[t]; break;
                    default:
                        double sum = 0;
                        int count = 0;
                        for (int s = 0; s < group.Steps.Length; s++)
                            if (group.Rows[s][q][t]?.RecencyExcessLogit is { } r && double.IsFinite(r)) { sum += r; count++; }
                        v = count > 0 ? sum / count : double.NaN;
                        break;
                }
                if (!double.IsFinite(v)) return false;
                predicted[i] = -v;
            }
            return true;
        }

        double Share(TokenAttention row) => options.PositionAdjusted ? row.PositionAdjustedShare : row.Share;

        // ---- Over the steps: M6 entropy-minimum timing ----

        /// <summary>
        /// M6: Spearman across queries between the predicted entropy-minimum time and the step at which the query's
        /// observed attention entropy is smallest (the earliest such step on ties). One theory row; the estimate is
        /// the correlation itself (in Median) and its interval comes from resampling queries.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ScoreEntropyMinimumTiming(ObservedAttentionGroup group)
        {
            if (!hasTheory) return;
            var predictedTime = seriesValues[Theory];
            var observedStep = difference;
            int present = 0;
            for (int q = 0; q < queries.Count; q++)
            {
                predictedTime[q] = observedStep[q] = double.NaN;
                if (groupSkipped[q] || queries[q].EntropyMinimumTime is not { } time || !double.IsFinite(time)) continue;
                int best = -1;
                for (int s = 0; s < group.Steps.Length; s++)
                {
                    double h = group.Entropy[s][q];
                    if (!double.IsNaN(h) && (best < 0 || h < group.Entropy[best][q])) best = s;
                }
                if (best < 0) continue;
                predictedTime[q] = time;
                observedStep[q] = group.Steps[best];
                present++;
            }
            if (present < MinimumPairs) return;
            var x = new double[present];
            var y = new double[present];
            for (int q = 0, i = 0; q < queries.Count; q++)
                if (!double.IsNaN(predictedTime[q])) { x[i] = predictedTime[q]; y[i] = observedStep[q]; i++; }
            if (RankStatistics.Spearman(x, y) is not { } rho) return;

            // Each resample repeats a query as often as it was drawn; a resample whose ρ is undefined is dropped.
            // Its ranks go through buffers made once, as a resample can hold more values than Spearman keeps on the stack.
            int capacity = queries.Count;
            double[] rx = new double[capacity], ry = new double[capacity], ranksX = new double[capacity], ranksY = new double[capacity], keys = new double[capacity];
            var items = new int[capacity];
            var rhos = new double[bootstrap.Resamples];
            int valid = 0;
            for (int b = 0; b < bootstrap.Resamples; b++)
            {
                int m = 0;
                for (int q = 0; q < queries.Count; q++)
                {
                    if (double.IsNaN(predictedTime[q])) continue;
                    for (int c = bootstrap.Count(b, q); c > 0; c--) { rx[m] = predictedTime[q]; ry[m] = observedStep[q]; m++; }
                }
                if (m < MinimumPairs) continue;
                RankStatistics.AverageRanks(rx.AsSpan(0, m), ranksX.AsSpan(0, m), keys, items);
                RankStatistics.AverageRanks(ry.AsSpan(0, m), ranksY.AsSpan(0, m), keys, items);
                if (RankStatistics.CorrelationOfRanks(ranksX.AsSpan(0, m), ranksY.AsSpan(0, m)) is { } r) rhos[valid++] = r;
            }
            var (low, high) = valid > 0 ? QueryBootstrap.PercentileInterval(rhos.AsSpan(0, valid), options.Confidence) : (rho, rho);
            Scores.Add(new PredictionScore
            {
                Run = group.Run, Step = null, Layer = group.Layer, Head = group.Head,
                Predictor = Predictors[Theory], Metric = "M6",
                Median = rho, Low = low, High = high, Queries = present,
            });
        }

        // ---- Shared ----

        /// <summary>Summarises predictor p's per-query values (values[p]); for a baseline also the paired difference to the theory.</summary>
        void Emit(ObservedAttentionGroup group, long? step, string metric, int p, double[][] values)
        {
            if (bootstrap.Median(values[p]) is not { } summary) return;
            BootstrapSummary? paired = null;
            if (p != Theory && hasTheory)
            {
                var theory = values[Theory];
                for (int q = 0; q < difference.Length; q++) difference[q] = theory[q] - values[p][q];   // NaN when either is absent
                paired = bootstrap.Median(difference);
            }
            Scores.Add(new PredictionScore
            {
                Run = group.Run, Step = step, Layer = group.Layer, Head = group.Head,
                Predictor = Predictors[p], Metric = metric,
                Median = summary.Median, Low = summary.Low, High = summary.High, Queries = summary.Queries,
                TheoryBeats = paired is { } d ? d.Low > 0 : null,
                Difference = paired?.Median, DifferenceLow = paired?.Low, DifferenceHigh = paired?.High,
            });
        }

        /// <summary>
        /// Fisher–Yates with a stream fixed by (Seed, query, permutation): the same shuffle at every step and group for
        /// the same tokens. <paramref name="alongside"/> (empty, or as long as values) gets the same swaps.
        /// </summary>
        void Shuffle(Span<double> values, Span<double> alongside, int q, int k)
        {
            var random = new SplitMixStream(SplitMixStream.Derive(options.Seed, NullPurpose, q, k));
            for (int i = values.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (values[i], values[j]) = (values[j], values[i]);
                if (!alongside.IsEmpty) (alongside[i], alongside[j]) = (alongside[j], alongside[i]);
            }
        }

        void Skip(ObservedAttentionGroup group, long? step, string query, string reason) =>
            Skipped.Add(new SkippedQuery(group.Run, group.Layer, group.Head, step, query, reason));
    }
}
