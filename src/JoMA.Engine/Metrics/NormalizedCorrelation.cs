namespace JoMA.Engine.Metrics;

/// <summary>NC(a, b) = ⟨a−ā, b−b̄⟩ / (‖a−ā‖·‖b−b̄‖ + 1e−8): the centred cosine of SCIENCE.md §1.</summary>
public static class NormalizedCorrelation
{
    public static double Of(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Vectors must have the same length.");
        double meanA = 0, meanB = 0;
        for (int i = 0; i < a.Length; i++) { meanA += a[i]; meanB += b[i]; }
        meanA /= a.Length; meanB /= b.Length;
        double dot = 0, normA = 0, normB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i] - meanA, y = b[i] - meanB;
            dot += x * y; normA += x * x; normB += y * y;
        }
        return dot / (Math.Sqrt(normA) * Math.Sqrt(normB) + 1e-8);
    }
}
