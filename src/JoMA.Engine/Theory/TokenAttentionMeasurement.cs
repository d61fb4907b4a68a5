using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Theory;

/// <summary>
/// Which context tokens a trained checkpoint attends to (SCIENCE.md §7, the observed side): on the first windows of a
/// probe split, dropout off, for every row i ≥ 1 of one layer's attention whose token is a query m, with the
/// context-renormalised row q_ij = p_ij / (1 − p_ii), j &lt; i (1 − p_ii taken as Σ_{j&lt;i} p_ij, so each row's q sums to 1):
/// <list type="bullet">
/// <item>Share[m][l] = mean_i Σ_{j&lt;i, tok j = l} q_ij; UniformShare[m][l] = mean_i #{j&lt;i: tok j = l} / i (attention at t = 0);</item>
/// <item>PositionAdjustedShare: the same with q_ij / π(i − j) renormalised over j &lt; i (<see cref="DistanceProfile"/>);</item>
/// <item>RecencyShare: the same with π(i − j) / Σ_{j'&lt;i} π(i − j'), attention by distance alone fitted to this checkpoint;</item>
/// <item>SelfMass = mean p_ii, SinkMass = mean q_i0, QueryEntropy = mean −Σ_j q_ij ln(q_ij + 1e−8).</item>
/// </list>
/// Two passes over the probe: the first averages π over every row, the second measures the query rows with it. Only the
/// attention of the layer is computed (the blocks before it, then its query and key projections). The first pass keeps the
/// windows' probabilities for the second while they fit in <see cref="CacheBytes"/>; beyond that the second pass computes them
/// again, so memory stays bounded whatever MaxWindows. A row whose context mass is 0 in float32 (p_ii = 1) has no context
/// distribution and is left out of both.
/// </summary>
public sealed class TokenAttentionMeasurement
{
    readonly IReadOnlyList<TokenAttentionQuery> queries;
    readonly int? statisticsVocabularySize;
    readonly TokenAttentionOptions options;
    /// <summary>The most the first pass keeps of the windows' probabilities for the second (100 windows of 10 × 35 at one head: 5 MB).</summary>
    public const long CacheBytes = 256L << 20;
    /// <summary><see cref="CacheBytes"/>, lowered by tests to take the path that computes the windows twice.</summary>
    internal long CacheLimit { get; init; } = CacheBytes;
    // The probe and the resolved queries of the last run measured: consecutive checkpoints of one run share them.
    (string RunPath, LanguageModelBatches Probe, TokenAttentionQueryTable Table)? prepared;

    /// <param name="statisticsVocabularySize">The vocabulary size the queries' statistics were counted with; a run with another is refused.</param>
    public TokenAttentionMeasurement(IReadOnlyList<TokenAttentionQuery> queries, TokenAttentionOptions options, int? statisticsVocabularySize = null)
    {
        options.Validate();
        if (queries.Count == 0) throw JomaException.Argument("QueriesMissing", "Give at least one query (corpus statistics from Measure-JomaCorpusStatistics).");
        this.queries = queries;
        this.options = options;
        this.statisticsVocabularySize = statisticsVocabularySize;
    }

    /// <summary>The queries and tokens of corpus statistics rows (Query, Token, Rank, VocabularySize; the "<rest>" row pools the others).</summary>
    public static TokenAttentionMeasurement FromStatistics(IReadOnlyCollection<CorpusTokenStatistic> statistics, TokenAttentionOptions options) =>
        new(TokenAttentionQuery.FromStatistics(statistics), options, TokenAttentionQuery.VocabularySizeOf(statistics));

    public TokenAttentionOptions Options => options;

    /// <summary>
    /// The checkpoints a path names (a run folder: all, in step order; a checkpoint folder: that one), with the run's
    /// vocabulary checked against the queries and its probe split read before any model is loaded.
    /// </summary>
    public IReadOnlyList<LanguageModelCheckpoint> Checkpoints(string path)
    {
        var checkpoints = LanguageModelRun.Resolve(path);
        Prepare(checkpoints[0].Run);
        return checkpoints;
    }

    /// <summary>Loads one checkpoint's model (model only, hash verified), measures it and frees it again.</summary>
    public TokenAttentionResult Measure(LanguageModelCheckpoint checkpoint, CancellationToken cancellation = default)
    {
        var (probe, table) = Prepare(checkpoint.Run);
        using var model = checkpoint.LoadModel(ComputeDevice.Resolve(options.Device));
        return Measure(model, table, probe, checkpoint.Run.Name, checkpoint.Step, checkpoint.Folder, cancellation);
    }

    /// <summary>Measures a model already in memory on <paramref name="probe"/> (its token ids in <paramref name="vocabulary"/>).</summary>
    public TokenAttentionResult Measure(TransformerLanguageModel model, Vocabulary vocabulary, LanguageModelBatches probe, string? run, long step,
        string? source = null, CancellationToken cancellation = default) =>
        Measure(model, new TokenAttentionQueryTable(queries, vocabulary, statisticsVocabularySize), probe, run, step, source, cancellation);

    (LanguageModelBatches Probe, TokenAttentionQueryTable Table) Prepare(LanguageModelRun run)
    {
        if (prepared is { } p && p.RunPath == run.Folder.Path) return (p.Probe, p.Table);
        var table = new TokenAttentionQueryTable(queries, run.Vocabulary, statisticsVocabularySize);   // before the split is read: a mismatch fails fast
        if (options.Layer >= run.ModelOptions.Layers) throw LayerOutOfRange(run.ModelOptions.Layers);
        var probe = run.ProbeBatches(options.Split);
        prepared = (run.Folder.Path, probe, table);
        return (probe, table);
    }

    JomaException LayerOutOfRange(int layers) =>
        JomaException.Argument("LayerOutOfRange", $"-Layer {options.Layer} does not exist: the model has layers 0 to {layers - 1}.");

    TokenAttentionResult Measure(TransformerLanguageModel model, TokenAttentionQueryTable table, LanguageModelBatches probe, string? run, long step,
        string? source, CancellationToken cancellation)
    {
        int layer = options.Layer;
        if (layer >= model.Blocks.Count) throw LayerOutOfRange(model.Blocks.Count);
        int heads = model.Options.Heads;
        var windows = probe.WindowStarts().Take(options.MaxWindows).ToArray();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            long bytes = (long)windows.Length * probe.Columns * heads * probe.Bptt * probe.Bptt * sizeof(float);
            return Accumulate(table, heads, probe.Bptt, probe.Columns, windows.Length, bytes,
                onWindow => ForEachWindow(model, probe, windows, layer, cancellation, onWindow), run, step, source, cancellation);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>
    /// Measures a pretrained checkpoint (Pythia, OPT) on token ids cut as Get-JomaAttention cuts them: consecutive windows of
    /// <paramref name="windowLength"/> (the last may be shorter), the first MaxWindows of them, each one sequence through the
    /// checkpoint's forward (inference, no dropout). Tokens are named as <see cref="TokenStrings.FromTokenizer"/> names them,
    /// so the statistics must come from Measure-JomaCorpusStatistics -Checkpoint with the same tokenizer (VocabularyMismatch
    /// otherwise). Run = the checkpoint's model name, Step = its revision's step (0 without one), Source = its folder.
    /// </summary>
    public TokenAttentionResult Measure(JomaCheckpoint checkpoint, IReadOnlyList<int> tokenIds, int windowLength, CancellationToken cancellation = default)
    {
        var vocabulary = CheckpointCorpus.Tokens(checkpoint);
        var table = new TokenAttentionQueryTable(queries, vocabulary, statisticsVocabularySize, "the checkpoint's vocabulary");
        if (options.Layer >= checkpoint.Layers) throw LayerOutOfRange(checkpoint.Layers);
        CheckpointCorpus.CheckTokenIds(tokenIds, checkpoint.VocabSize);
        if (tokenIds.Count == 0) throw JomaException.Argument("TokenSequenceEmpty", "No tokens to measure: give some text or token ids.");
        var model = checkpoint.GetModel();
        var extractor = new AttentionExtractor(checkpoint, model, null, new AttentionExtractionOptions
        {
            WindowLength = windowLength, MaxWindows = options.MaxWindows, Layers = [options.Layer], ReduceOnly = false,
        });
        var windows = extractor.Windows(tokenIds).ToArray();
        int heads = checkpoint.Heads, length = extractor.WindowLength;
        long bytes = windows.Sum(w => (long)heads * w.Length * w.Length * sizeof(float));
        using var noGrad = no_grad();
        return Accumulate(table, heads, length, 1, windows.Length, bytes, onWindow =>
        {
            for (int w = 0; w < windows.Length; w++)
            {
                cancellation.ThrowIfCancellationRequested();
                var sample = extractor.Run(w, windows[w]);
                onWindow(windows[w], sample.Probabilities![0], windows[w].Length);     // [1, H, T, T]
            }
        }, checkpoint.Model, checkpoint.Step ?? 0, checkpoint.Path, cancellation);
    }

    /// <summary>
    /// The two passes over a probe's windows, whoever computes them: <paramref name="forEachWindow"/> hands over each window's
    /// tokens [T, columns] (position t of column b at t·columns + b), its probabilities [columns, heads, T, T] and its length T
    /// (≤ <paramref name="maxLength"/>). Pass 1 averages π(d) over every row with context; pass 2 measures the query rows with it,
    /// from the windows kept by pass 1 when <paramref name="windowBytes"/> fit in <see cref="CacheLimit"/>, else computed again.
    /// </summary>
    TokenAttentionResult Accumulate(TokenAttentionQueryTable table, int heads, int maxLength, int columns, int windowCount, long windowBytes,
        Action<Action<int[], float[], int>> forEachWindow, string? run, long step, string? source, CancellationToken cancellation)
    {
        int layer = options.Layer;
        int variants = options.PerHead ? 1 + heads : 1;
        var rows = new RowReader(heads, maxLength);
        var cache = windowBytes <= CacheLimit ? new List<(int[], float[], int)>(windowCount) : null;

        // Pass 1: π(d) over every row with context, whatever its token.
        var profiles = Enumerable.Range(0, variants).Select(_ => new DistanceProfile(maxLength - 1)).ToArray();
        long contextRows = 0;
        forEachWindow((inputs, probabilities, length) =>
        {
            cache?.Add((inputs, probabilities, length));
            rows.Window(probabilities, length);
            for (int b = 0; b < columns; b++)
                for (int i = 1; i < length; i++)
                {
                    contextRows++;
                    for (int v = 0; v < variants; v++)
                        if (rows.Context(b, i, v, out var q, out _)) profiles[v].Add(q);
                }
        });
        var pi = profiles.Select(p => p.Values()).ToArray();
        var cumulativePi = pi.Select(Cumulative).ToArray();

        // Pass 2: the query rows.
        var sums = new Sums(table, variants);
        var slots = new int[maxLength];
        var weights = new double[maxLength];
        void MeasureQueries(int[] inputs, float[] probabilities, int length)
        {
            rows.Window(probabilities, length);
            for (int b = 0; b < columns; b++)
                for (int i = 1; i < length; i++)
                {
                    int m = table.QueryOf(inputs[i * columns + b]);
                    if (m < 0) continue;
                    sums.Occurrences[m]++;
                    int offset = table.Offset[m];
                    for (int j = 0; j < i; j++) slots[j] = offset + table.SlotOf(m, inputs[j * columns + b]);
                    for (int v = 0; v < variants; v++)
                    {
                        if (!rows.Context(b, i, v, out var q, out double self)) continue;
                        var piV = pi[v];
                        double adjustedTotal = 0, entropy = 0, recencyTotal = cumulativePi[v][i];
                        for (int j = 0; j < i; j++)
                        {
                            double w = piV[i - j] > 0 ? q[j] / piV[i - j] : 0;
                            weights[j] = w;
                            adjustedTotal += w;
                            entropy -= q[j] * Math.Log(q[j] + 1e-8);
                        }
                        var share = sums.Share[v]; var uniform = sums.Uniform[v]; var adjusted = sums.Adjusted[v]; var recency = sums.Recency[v];
                        double uniformWeight = 1.0 / i;
                        for (int j = 0; j < i; j++)
                        {
                            int s = slots[j];
                            share[s] += q[j];
                            uniform[s] += uniformWeight;
                            if (adjustedTotal > 0) adjusted[s] += weights[j] / adjustedTotal;
                            if (recencyTotal > 0) recency[s] += piV[i - j] / recencyTotal;
                        }
                        sums.Rows[v][m]++;
                        sums.Self[v][m] += self;
                        sums.Sink[v][m] += q[0];
                        sums.Entropy[v][m] += entropy;
                    }
                }
        }
        if (cache is null) forEachWindow(MeasureQueries);
        else
            foreach (var (inputs, probabilities, length) in cache)
            {
                cancellation.ThrowIfCancellationRequested();
                MeasureQueries(inputs, probabilities, length);
            }
        var (output, skipped) = Output(sums, table, run, step, layer, source, windowCount);
        return new TokenAttentionResult(run, step, layer, output, skipped, pi, contextRows);
    }

    /// <summary>The means: per head variant (head average first), per query, its listed tokens then the pooled rest.</summary>
    static (List<TokenAttention> Rows, List<SkippedQuery> Skipped) Output(Sums sums, TokenAttentionQueryTable table, string? run, long step, int layer,
        string? source, int windows)
    {
        var rows = new List<TokenAttention>();
        var skipped = new List<SkippedQuery>();
        static double? Logit(double share, double reference) => share > 0 && reference > 0 ? Math.Log(share / reference) : null;
        for (int v = 0; v < sums.Rows.Length; v++)
        {
            int head = v - 1;
            for (int m = 0; m < table.Queries.Count; m++)
            {
                var query = table.Queries[m].Query;
                long n = sums.Rows[v][m];
                if (n == 0)
                {
                    skipped.Add(new SkippedQuery(run, layer, head, step, query, sums.Occurrences[m] == 0
                        ? $"'{query}' does not occur after the first position of any sequence in the {windows} probe window(s); probe more windows (-MaxWindows) or leave the query out"
                        : $"each of its {sums.Occurrences[m]} row(s) puts all its attention on the query itself (p_ii = 1 in float32), leaving no context distribution to measure"));
                    continue;
                }
                var listed = table.Listed(m);
                for (int slot = 0; slot <= listed.Count; slot++)
                {
                    int at = table.Offset[m] + slot;
                    double share = sums.Share[v][at] / n, uniform = sums.Uniform[v][at] / n;
                    double adjusted = sums.Adjusted[v][at] / n, recency = sums.Recency[v][at] / n;
                    rows.Add(new TokenAttention
                    {
                        Source = source, Run = run, Step = step, Layer = layer, Head = head, Query = query,
                        Token = slot < listed.Count ? listed[slot] : TokenAttentionQuery.Rest,
                        Rows = n, Share = share, UniformShare = uniform, ExcessLogit = Logit(share, uniform),
                        PositionAdjustedShare = adjusted, PositionAdjustedExcessLogit = Logit(adjusted, uniform),
                        RecencyShare = recency, RecencyExcessLogit = Logit(recency, uniform),
                        SelfMass = sums.Self[v][m] / n, SinkMass = sums.Sink[v][m] / n, QueryEntropy = sums.Entropy[v][m] / n,
                    });
                }
            }
        }
        return (rows, skipped);
    }

    /// <summary>Σ_{d=1..i} π(d) at index i: the recency row's normaliser.</summary>
    static double[] Cumulative(double[] pi)
    {
        var total = new double[pi.Length];
        for (int d = 1; d < pi.Length; d++) total[d] = total[d - 1] + pi[d];
        return total;
    }

    /// <summary>
    /// Computes each probe window's attention at <paramref name="layer"/> and hands over its tokens and its probabilities
    /// [B, H, T, T], copied to the CPU once. Windows of one length go through the model together, side by side in the batch
    /// (sequences do not interact), a few hundred sequences a call: one call per window would spend more on per-operation
    /// overhead than on arithmetic at these sizes.
    /// </summary>
    static void ForEachWindow(TransformerLanguageModel model, LanguageModelBatches probe, int[] windows, int layer, CancellationToken cancellation,
        Action<int[], float[], int> onWindow)
    {
        var device = model.Embedding.weight!.device;
        int columns = probe.Columns, heads = model.Options.Heads;
        for (int first = 0; first < windows.Length;)
        {
            cancellation.ThrowIfCancellationRequested();
            var group = new List<(int[] Inputs, int Length)> { Window(first) };
            int length = group[0].Length;
            long perWindow = (long)columns * heads * length * length;                                     // probabilities of one window
            int most = (int)Math.Clamp(Math.Min(BatchTokens / ((long)columns * length), BatchProbabilities / perWindow), 1, int.MaxValue);
            while (group.Count < most && first + group.Count < windows.Length && Window(first + group.Count) is var next && next.Length == length)
                group.Add(next);
            first += group.Count;

            using var scope = NewDisposeScope();
            int batch = group.Count * columns;
            var ids = new int[length * batch];                                                            // [T, G·B]: window w in columns w·B …
            for (int w = 0; w < group.Count; w++)
                for (int t = 0; t < length; t++) Array.Copy(group[w].Inputs, t * columns, ids, t * batch + w * columns, columns);
            var inputs = tensor(ids, new long[] { length, batch }, dtype: ScalarType.Int32).to(ScalarType.Int64).to(device);
            var probabilities = model.AttentionProbabilities(inputs, layer).to(ScalarType.Float32).cpu().data<float>().ToArray(); // [G·B, H, T, T]
            for (int w = 0; w < group.Count; w++)
                onWindow(group[w].Inputs, probabilities[(int)(w * perWindow)..(int)((w + 1) * perWindow)], length);
        }

        (int[] Inputs, int Length) Window(int index)
        {
            var (inputIds, _, length) = probe.Window(windows[index]);
            return (inputIds, length);
        }
    }

    /// <summary>At most this many tokens, and this many probabilities, in one call of the model.</summary>
    const long BatchTokens = 16_384, BatchProbabilities = 16L << 20;

    /// <summary>
    /// Reads one attention row of a window's [B, H, T, T] probabilities for a head variant (0: the head average, 1 + h: head h)
    /// and renormalises its context part j &lt; i.
    /// </summary>
    sealed class RowReader(int heads, int bptt)
    {
        readonly double[] row = new double[bptt];
        float[] probabilities = [];
        int length;

        public void Window(float[] windowProbabilities, int windowLength) => (probabilities, length) = (windowProbabilities, windowLength);

        /// <summary>q_j = p_ij / Σ_{j'&lt;i} p_ij' for j &lt; i, and p_ii; false when the context mass is 0.</summary>
        public bool Context(int b, int i, int variant, out ReadOnlySpan<double> context, out double self)
        {
            int first = variant == 0 ? 0 : variant - 1, count = variant == 0 ? heads : 1;
            double mass = 0;
            self = 0;
            for (int j = 0; j <= i; j++) row[j] = 0;
            for (int h = first; h < first + count; h++)
            {
                int at = ((b * heads + h) * length + i) * length;
                for (int j = 0; j <= i; j++) row[j] += probabilities[at + j];
            }
            if (count > 1)
                for (int j = 0; j <= i; j++) row[j] /= count;
            for (int j = 0; j < i; j++) mass += row[j];
            self = row[i];
            context = row.AsSpan(0, i);
            if (!(mass > 0)) return false;
            for (int j = 0; j < i; j++) row[j] /= mass;
            return true;
        }
    }

    /// <summary>The sums of the query pass, per head variant: over slots (Share, Uniform, Adjusted, Recency) and per query.</summary>
    sealed class Sums
    {
        public readonly double[][] Share, Uniform, Adjusted, Recency, Self, Sink, Entropy;
        public readonly long[][] Rows;
        public readonly long[] Occurrences;

        public Sums(TokenAttentionQueryTable table, int variants)
        {
            double[][] Slots() => Enumerable.Range(0, variants).Select(_ => new double[table.TotalSlots]).ToArray();
            double[][] PerQuery() => Enumerable.Range(0, variants).Select(_ => new double[table.Queries.Count]).ToArray();
            (Share, Uniform, Adjusted, Recency) = (Slots(), Slots(), Slots(), Slots());
            (Self, Sink, Entropy) = (PerQuery(), PerQuery(), PerQuery());
            Rows = Enumerable.Range(0, variants).Select(_ => new long[table.Queries.Count]).ToArray();
            Occurrences = new long[table.Queries.Count];
        }
    }
}
