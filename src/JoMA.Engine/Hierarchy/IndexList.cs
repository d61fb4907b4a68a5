using System.Collections;
using System.Globalization;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// A list of token or latent indices whose text form ("3 17 42") survives Export-Csv / Import-Csv,
/// where a plain int[] would be written as "System.Int32[]".
/// </summary>
public sealed class IndexList : IReadOnlyList<int>
{
    readonly int[] values;

    public IndexList(IEnumerable<int> values) => this.values = values.ToArray();

    public int this[int index] => values[index];
    public int Count => values.Length;
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)values).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => values.GetEnumerator();
    public int[] ToArray() => (int[])values.Clone();

    public override string ToString() => string.Join(" ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    public static IndexList Parse(string text) =>
        new(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)));
}

/// <summary>One IndexList per tree layer; text form joins layers with ';' ("1 4;0 7 9").</summary>
public sealed class LayeredIndexLists : IReadOnlyList<IndexList>
{
    readonly IndexList[] layers;

    public LayeredIndexLists(IEnumerable<IndexList> layers) => this.layers = layers.ToArray();

    public IndexList this[int index] => layers[index];
    public int Count => layers.Length;
    public IEnumerator<IndexList> GetEnumerator() => ((IEnumerable<IndexList>)layers).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => layers.GetEnumerator();

    public override string ToString() => string.Join(";", layers.Select(l => l.ToString()));

    public static LayeredIndexLists Parse(string text) => new(text.Split(';').Select(IndexList.Parse));
}
