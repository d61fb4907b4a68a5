namespace JoMA.Engine.Metrics;

/// <summary>
/// Sparsity statistics averaged over attention rows (SCIENCE.md §1): mean entropy, mean ln(#keys),
/// their ratio, exp(mean entropy) and the mean largest probability.
/// </summary>
public sealed record AttentionRowStatistics(double Entropy, double MaxEntropy, double NormalizedEntropy, double EffectiveSupport, double TopMass, long Rows)
{
    /// <summary>How far a row's sum may be from 1 before it is refused as not a distribution.</summary>
    /// <summary>Readable in Select-Object * and Format-List (not a record dump).</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"H {Entropy:G4} ({NormalizedEntropy:G3} of max), top {TopMass:G3}, {Rows} rows");

    public const double NormalizationTolerance = 1e-3;

    /// <summary>Accumulates rows one at a time, so maps never need to be held whole.</summary>
    public sealed class Accumulator
    {
        double entropy, maxEntropy, topMass;
        long rows;

        /// <summary>Adds a row; returns false (and adds nothing) when it is not a probability distribution.</summary>
        public bool TryAdd(ReadOnlySpan<double> row)
        {
            if (!IsDistribution(row)) return false;
            double top = 0;
            foreach (var p in row) top = Math.Max(top, p);
            entropy += AttentionEntropy.Of(row);
            maxEntropy += Math.Log(row.Length);
            topMass += top;
            rows++;
            return true;
        }

        /// <summary>Adds a row's entropy and top mass computed elsewhere (e.g. on the GPU), with its key count.</summary>
        public void Add(double rowEntropy, int keys, double rowTopMass)
        {
            entropy += rowEntropy;
            maxEntropy += Math.Log(keys);
            topMass += rowTopMass;
            rows++;
        }

        /// <summary>Adds sums over many rows at once (computed on the tensor's device by <see cref="AttentionMapAccumulator"/>).</summary>
        public void AddSums(double entropySum, double maxEntropySum, double topMassSum, long rowCount)
        {
            entropy += entropySum;
            maxEntropy += maxEntropySum;
            topMass += topMassSum;
            rows += rowCount;
        }

        public AttentionRowStatistics Result()
        {
            if (rows == 0) return new AttentionRowStatistics(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
            double h = entropy / rows, hMax = maxEntropy / rows;
            return new AttentionRowStatistics(h, hMax, hMax > 0 ? h / hMax : 0, Math.Exp(h), topMass / rows, rows);
        }
    }

    public static bool IsDistribution(ReadOnlySpan<double> row)
    {
        if (row.Length == 0) return false;
        double sum = 0;
        foreach (var p in row)
        {
            if (!double.IsFinite(p) || p < -1e-7) return false;
            sum += p;
        }
        return Math.Abs(sum - 1) <= NormalizationTolerance;
    }
}
