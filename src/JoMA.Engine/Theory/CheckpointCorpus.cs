using JoMA.Engine.Checkpoints;
using JoMA.Engine.Text;

namespace JoMA.Engine.Theory;

/// <summary>
/// The theory pipeline on a pretrained checkpoint (Pythia, OPT): text tokenized with the checkpoint's own tokenizer,
/// concatenated into one stream and cut into consecutive windows of a window length — the windows Get-JomaAttention runs
/// (the tokenizer's own start token, OPT's &lt;/s&gt;, in front of each text as Get-JomaAttention has it). Counting those
/// windows is a <see cref="BatchifiedStream"/> of one column with bptt = the window length.
/// </summary>
public static class CheckpointCorpus
{
    /// <summary>The checkpoint's tokens as the rows name them (<see cref="TokenStrings.FromTokenizer"/>), one per id of its config's vocab_size.</summary>
    public static TokenStrings Tokens(JomaCheckpoint checkpoint)
    {
        ITextTokenizer? tokenizer;
        try { tokenizer = checkpoint.GetTokenizer(); }
        catch (JomaException) { tokenizer = null; }
        return TokenStrings.FromTokenizer(tokenizer, checkpoint.VocabSize);
    }

    /// <summary>Each text tokenized with the checkpoint's tokenizer, the ids concatenated in order. Errors: TokenizerMissing (with the token-id hint).</summary>
    public static int[] Encode(JomaCheckpoint checkpoint, IEnumerable<string> texts)
    {
        ITextTokenizer tokenizer;
        try { tokenizer = checkpoint.GetTokenizer(); }
        catch (JomaException e)
        {
            throw new JomaException("TokenizerMissing", JomaErrorKind.ObjectNotFound,
                $"Checkpoint {checkpoint} has no usable tokenizer ({e.Message}). Pass token ids instead (-TokenIds), or download the tokenizer files with the weights.");
        }
        var ids = new List<int>();
        foreach (var text in texts) ids.AddRange(tokenizer.Encode(text));
        return ids.ToArray();
    }

    /// <summary>Errors: TokenIdOutOfRange when an id is outside 0 … vocab_size − 1.</summary>
    public static void CheckTokenIds(IReadOnlyList<int> ids, int vocabularySize)
    {
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] < 0 || ids[i] >= vocabularySize)
                throw JomaException.Argument("TokenIdOutOfRange", $"Token id {ids[i]} (position {i}) is outside 0..{vocabularySize - 1}, the checkpoint's vocab_size.");
    }

    /// <summary>The window length asked for, or the model's max_position_embeddings; it must be 2 … max_position_embeddings.</summary>
    public static int WindowLength(JomaCheckpoint checkpoint, int? windowLength)
    {
        int length = windowLength ?? checkpoint.MaxPositions;
        if (length < 2 || length > checkpoint.MaxPositions)
            throw JomaException.Argument("WindowLengthOutOfRange",
                $"-WindowLength {length} is outside 2..{checkpoint.MaxPositions} (a context needs an earlier position; the model has max_position_embeddings {checkpoint.MaxPositions}).");
        return length;
    }

    /// <summary>
    /// The counting pass over <paramref name="tokenIds"/> in windows of <paramref name="windowLength"/> (batch size 1, bptt =
    /// the window length; <paramref name="options"/>' Bptt and BatchSize are replaced), tokens named by <see cref="Tokens"/>
    /// and VocabularySize = the config's vocab_size.
    /// </summary>
    public static CorpusStatisticsResult Count(JomaCheckpoint checkpoint, int[] tokenIds, int? windowLength, CorpusStatisticsOptions options,
        string? source = null, CancellationToken cancellation = default)
    {
        CheckTokenIds(tokenIds, checkpoint.VocabSize);
        int length = WindowLength(checkpoint, windowLength);
        return CorpusStatisticsCounter.Count(tokenIds, Tokens(checkpoint), options with { BatchSize = 1, Bptt = length }, source ?? checkpoint.Path, cancellation);
    }
}
