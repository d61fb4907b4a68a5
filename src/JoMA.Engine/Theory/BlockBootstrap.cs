namespace JoMA.Engine.Theory;

/// <summary>
/// Poisson block-bootstrap weights over the stream: blocks of <see cref="CorpusStatisticsOptions.BlockWindows"/>
/// consecutive windows of one batch column (neighbouring windows share text, so positions are not independent),
/// each resample weighting every block by a Poisson(1) count. One weight table serves every query, so a resample
/// is one coherent resampling of the corpus.
/// </summary>
public sealed class BlockBootstrap
{
    readonly int rows, bptt, blockWindows, blocksPerColumn;
    readonly byte[] weights; // [resamples × blocks]

    public BlockBootstrap(BatchifiedStream stream, CorpusStatisticsOptions options)
    {
        rows = stream.Rows;
        bptt = stream.Bptt;
        blockWindows = options.BlockWindows;
        blocksPerColumn = (stream.WindowsPerColumn + blockWindows - 1) / blockWindows;
        Blocks = blocksPerColumn * stream.BatchSize;
        Resamples = options.BootstrapResamples;
        weights = new byte[Resamples * Blocks];
        var random = new Random(options.Seed);
        for (int i = 0; i < weights.Length; i++) weights[i] = Poisson1(random);
    }

    public int Blocks { get; }
    public int Resamples { get; }

    public int BlockOf(int windowStart)
    {
        int column = windowStart / rows, window = windowStart % rows / bptt;
        return column * blocksPerColumn + window / blockWindows;
    }

    public ReadOnlySpan<byte> Weights(int resample) => weights.AsSpan(resample * Blocks, Blocks);

    /// <summary>Knuth's multiplication method for Poisson(1) (capped at 255, which has probability ~1e−500).</summary>
    static byte Poisson1(Random random)
    {
        double limit = Math.Exp(-1), product = random.NextDouble();
        int k = 0;
        while (product > limit && k < 255) { k++; product *= random.NextDouble(); }
        return (byte)k;
    }
}
