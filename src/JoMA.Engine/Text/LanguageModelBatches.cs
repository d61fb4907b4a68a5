namespace JoMA.Engine.Text;

/// <summary>
/// The reference's batchify and get_batch (PyTorch's word_language_model tutorial): the token stream is
/// cut into <c>columns</c> contiguous columns, [rows = N / columns, columns] with the tail dropped, and
/// read in windows of up to bptt rows; targets are the next row.
/// </summary>
public sealed class LanguageModelBatches
{
    readonly int[] data; // [Rows, Columns] row-major

    public LanguageModelBatches(int[] tokens, int columns, int bptt)
    {
        if (columns < 1) throw JomaException.Argument("BatchSizeInvalid", $"The batch size must be 1 or more (got {columns}).");
        if (bptt < 1) throw JomaException.Argument("BpttInvalid", $"bptt must be 1 or more (got {bptt}).");
        Columns = columns;
        Bptt = bptt;
        Rows = tokens.Length / columns;
        if (Rows < 2)
            throw new JomaException("CorpusTooSmall", JomaErrorKind.InvalidData,
                $"{tokens.Length} tokens cannot fill two rows of {columns} columns; use a larger text or a smaller batch size.");
        data = new int[Rows * columns];
        // batchify: data.view(columns, rows).t(), so column c holds tokens [c·rows, (c+1)·rows).
        for (int c = 0; c < columns; c++)
            for (int r = 0; r < Rows; r++) data[r * columns + c] = tokens[c * Rows + r];
    }

    public int Rows { get; }
    public int Columns { get; }
    public int Bptt { get; }

    /// <summary>Window start rows: 0, bptt, 2·bptt, … below Rows − 1.</summary>
    public IEnumerable<int> WindowStarts()
    {
        for (int i = 0; i < Rows - 1; i += Bptt) yield return i;
    }

    public int WindowCount => (Rows - 2) / Bptt + 1;

    /// <summary>The window at row <paramref name="start"/>: inputs [length, Columns] and targets [length, Columns] (the next rows), row-major.</summary>
    public (int[] Inputs, int[] Targets, int Length) Window(int start)
    {
        int length = Math.Min(Bptt, Rows - 1 - start);
        var inputs = new int[length * Columns];
        var targets = new int[length * Columns];
        Array.Copy(data, start * Columns, inputs, 0, inputs.Length);
        Array.Copy(data, (start + 1) * Columns, targets, 0, targets.Length);
        return (inputs, targets, length);
    }
}
