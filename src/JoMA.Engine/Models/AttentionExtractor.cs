using System.Runtime.InteropServices;
using JoMA.Engine.Checkpoints;
using JoMA.Engine.Metrics;
using JoMA.Engine.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// Runs windows of token ids through a checkpoint's model (inference mode, hand-written attention) and turns each
/// into an <see cref="AttentionSample"/>: statistics always, maps unless reduced. Attention is computed in blocks of
/// query rows that are reduced (and, for kept maps, copied into the sample's arrays) as they are made, so no
/// [heads, T, T] tensor exists: with <see cref="AttentionExtractionOptions.ReduceOnly"/> memory is bounded by one block.
/// </summary>
public sealed class AttentionExtractor
{
    readonly JomaCheckpoint checkpoint;
    readonly CausalLanguageModel model;
    readonly ITextTokenizer? tokenizer;
    readonly AttentionExtractionOptions options;
    readonly int[] layers;
    readonly long[]? keptHeads;

    /// <summary>Errors: WindowLengthOutOfRange, MaxWindowsNotPositive, LayerOutOfRange, HeadOutOfRange (all InvalidArgument).</summary>
    public AttentionExtractor(JomaCheckpoint checkpoint, CausalLanguageModel model, ITextTokenizer? tokenizer, AttentionExtractionOptions options)
    {
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        WindowLength = options.WindowLength ?? checkpoint.MaxPositions;
        if (WindowLength < 1 || WindowLength > checkpoint.MaxPositions)
            throw JomaException.Argument("WindowLengthOutOfRange",
                $"-WindowLength {WindowLength} is outside 1..{checkpoint.MaxPositions} (the model's max_position_embeddings). Give a length in that range.");
        if (options.MaxWindows is < 1)
            throw JomaException.Argument("MaxWindowsNotPositive", $"-MaxWindows {options.MaxWindows} must be 1 or more.");
        layers = Check(options.Layers, checkpoint.Layers, "LayerOutOfRange", "-Layer") ?? Enumerable.Range(0, checkpoint.Layers).ToArray();
        keptHeads = Check(options.Heads, checkpoint.Heads, "HeadOutOfRange", "-Head")?.Select(h => (long)h).ToArray();
    }

    public int WindowLength { get; }

    /// <summary>
    /// Copies a block [heads, rows, keys] of query rows first…first+rows−1 into a [heads, T, T] row-major map (keys ≤ T),
    /// writing 0 for the keys beyond the block's, so that every element of the map is written exactly once.
    /// </summary>
    static void CopyRows(ReadOnlySpan<float> block, float[] map, int heads, int t, long first, int rows, int keys)
    {
        for (int h = 0; h < heads; h++)
            for (int r = 0; r < rows; r++)
            {
                var row = map.AsSpan((int)(((long)h * t + first + r) * t), t);
                block.Slice((h * rows + r) * keys, keys).CopyTo(row);
                row[keys..].Clear();
            }
    }

    /// <summary>Query rows per attention block: blocks of about 4M probabilities (16 MB of float32) each.</summary>
    public static int QueryBlockRows(int heads, int tokens) => Math.Max(1, (1 << 22) / (heads * Math.Max(1, tokens)));

    static int[]? Check(int[]? requested, int count, string errorId, string parameter)
    {
        if (requested is null) return null;
        var bad = requested.Where(i => i < 0 || i >= count).ToList();
        if (bad.Count > 0)
            throw JomaException.Argument(errorId, $"{parameter} {string.Join(", ", bad)} is outside 0..{count - 1} for this checkpoint.");
        return requested.Distinct().Order().ToArray();
    }

    /// <summary>Consecutive windows of <see cref="WindowLength"/> ids (the last may be shorter), at most MaxWindows of them.</summary>
    public IEnumerable<int[]> Windows(IReadOnlyList<int> tokenIds)
    {
        int count = 0;
        for (int start = 0; start < tokenIds.Count; start += WindowLength)
        {
            if (options.MaxWindows is { } max && count++ >= max) yield break;
            int length = Math.Min(WindowLength, tokenIds.Count - start);
            var window = new int[length];
            for (int i = 0; i < length; i++) window[i] = tokenIds[start + i];
            yield return window;
        }
    }

    /// <summary>How many windows <see cref="Windows"/> yields for <paramref name="tokenCount"/> ids.</summary>
    public int WindowCount(int tokenCount)
    {
        int all = (tokenCount + WindowLength - 1) / WindowLength;
        return options.MaxWindows is { } max ? Math.Min(all, max) : all;
    }

    /// <summary>One forward pass over <paramref name="tokenIds"/>; <paramref name="window"/> is its index in the text.</summary>
    public AttentionSample Run(int window, int[] tokenIds)
    {
        int heads = checkpoint.Heads, t = tokenIds.Length;
        var accumulators = layers.ToDictionary(l => l, l => new AttentionMapAccumulator(l, heads));
        var maps = new Dictionary<int, float[]>();
        using var scope = NewDisposeScope();
        using var headIndex = keptHeads is null ? null : tensor(keptHeads, device: model.Device);
        int keptCount = keptHeads?.Length ?? heads;
        // Attention runs in blocks of query rows either way: the statistics are sums over rows, and kept maps are
        // assembled row block by row block straight into their float arrays (the masked keys after each query written
        // as exactly 0). No [heads, T, T] tensor is ever formed, and the masked half is never computed.
        var forward = new ForwardOptions
        {
            KeepAttentionMaps = false, KeepHiddenStates = false, ComputeEntropies = false, ComputeLogits = false,
            AttentionQueryBlockRows = options.QueryBlockRows ?? QueryBlockRows(heads, t),
            OnAttentionBlock = (layer, first, block) =>                                  // block [heads, rows, keys]
            {
                if (!accumulators.TryGetValue(layer, out var accumulator)) return;
                accumulator.AddQueryBlock(block, first);
                if (options.ReduceOnly) return;
                // Uninitialised: CopyRows writes every element once (the keys after each query as 0), so zeroing first would touch 128 MB twice at 2048.
                if (!maps.TryGetValue(layer, out var map)) maps[layer] = map = GC.AllocateUninitializedArray<float>(checked(keptCount * t * t));
                using var copyScope = NewDisposeScope();
                var kept = (headIndex is null ? block : block.index_select(0, headIndex)).cpu().contiguous(); // [kept heads, rows, keys]
                CopyRows(MemoryMarshal.Cast<byte, float>(kept.bytes), map, keptCount, t, first, (int)block.shape[1], (int)block.shape[2]);
            },
        };
        using (var output = model.Forward(tokenIds.Select(id => (long)id).ToArray(), forward)) { }
        Native.ProcessMemory.ReturnFreedMemory(); // so the resident set stays flat from window to window
        return new AttentionSample
        {
            Source = checkpoint.Path,
            Model = checkpoint.Model,
            Revision = checkpoint.Revision,
            Step = checkpoint.Step,
            Window = window,
            TokenIds = tokenIds,
            Tokens = tokenizer is null ? null : tokenIds.Select(tokenizer.Decode).ToArray(),
            Heads = heads,
            KeptHeads = keptHeads?.Select(h => (int)h).ToArray(),
            Length = t,
            Sequences = 1,
            Layers = layers,
            Probabilities = options.ReduceOnly ? null : layers.Select(l => maps[l]).ToArray(),
            Statistics = layers.Select(l => accumulators[l].Result()).ToArray(),
        };
    }
}
