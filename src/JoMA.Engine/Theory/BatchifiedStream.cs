namespace JoMA.Engine.Theory;

/// <summary>
/// The token stream as the trainer reads it (LanguageModelBatches): cut into BatchSize columns of Rows tokens
/// (the tail dropped), each column read in windows of up to Bptt positions. A position's context is the
/// earlier positions of its window; its next token is the next position of its column. Tokens are addressed
/// column-major: position r of column c is <c>Tokens[c·Rows + r]</c>.
/// </summary>
public sealed class BatchifiedStream
{
    public BatchifiedStream(int[] tokens, int batchSize, int bptt)
    {
        if (batchSize < 1 || bptt < 2) throw JomaException.Argument("BatchShapeInvalid", "The batch size must be 1 or more and bptt 2 or more.");
        Rows = tokens.Length / batchSize;
        if (Rows < 2)
            throw new JomaException("CorpusTooSmall", JomaErrorKind.InvalidData,
                $"{tokens.Length} tokens cannot fill two rows of {batchSize} columns; use a larger text or a smaller batch size.");
        Tokens = tokens;
        BatchSize = batchSize;
        Bptt = bptt;
        WindowsPerColumn = (Rows - 2) / bptt + 1;
    }

    public int[] Tokens { get; }
    public int Rows { get; }
    public int BatchSize { get; }
    public int Bptt { get; }
    public int WindowsPerColumn { get; }
    /// <summary>Positions that have a next token: rows 0 … Rows − 2 of every column.</summary>
    public long Positions => (long)(Rows - 1) * BatchSize;

    /// <summary>Column-major index of a window's first position, and its length (the last window may be shorter).</summary>
    public (int Start, int Length) Window(int column, int window)
    {
        int row = window * Bptt;
        return (column * Rows + row, Math.Min(Bptt, Rows - 1 - row));
    }
}
