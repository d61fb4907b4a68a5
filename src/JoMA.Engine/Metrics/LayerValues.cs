using System.Collections;
using System.Globalization;

namespace JoMA.Engine.Metrics;

/// <summary>
/// One number per layer (or per layer and head), indexable and enumerable like an array, whose text form
/// ("2.61;2.43", or "2.6,2.5;2.4,2.3" per head) survives Export-Csv / Import-Csv exactly (round-trip format),
/// where a plain double[] would be written as "System.Double[]".
/// </summary>
public sealed class LayerValues : IReadOnlyList<double>
{
    readonly double[] values;

    public LayerValues(IEnumerable<double> values) => this.values = values.ToArray();

    public double this[int index] => values[index];
    public int Count => values.Length;
    public int Length => values.Length;
    public IEnumerator<double> GetEnumerator() => ((IEnumerable<double>)values).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => values.GetEnumerator();
    public double[] ToArray() => (double[])values.Clone();

    public override string ToString() => string.Join(";", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    public static LayerValues Parse(string text) =>
        new(text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
}

/// <summary>A [layer, head] table with the same CSV-friendly text form: heads joined by ',', layers by ';'.</summary>
public sealed class LayerHeadValues : IEnumerable<LayerValues>
{
    readonly double[,] values;

    public LayerHeadValues(double[,] values) => this.values = (double[,])values.Clone();

    public double this[int layer, int head] => values[layer, head];
    public int Layers => values.GetLength(0);
    public int Heads => values.GetLength(1);
    public LayerValues Layer(int layer) => new(Enumerable.Range(0, Heads).Select(h => values[layer, h]));
    public IEnumerator<LayerValues> GetEnumerator() => Enumerable.Range(0, Layers).Select(Layer).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        string.Join(";", Enumerable.Range(0, Layers).Select(l => string.Join(",", Enumerable.Range(0, Heads).Select(h => values[l, h].ToString("R", CultureInfo.InvariantCulture)))));

    public static LayerHeadValues Parse(string text)
    {
        var rows = text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var table = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (int l = 0; l < rows.Length; l++)
            for (int h = 0; h < rows[l].Length; h++) table[l, h] = rows[l][h];
        return new LayerHeadValues(table);
    }
}
