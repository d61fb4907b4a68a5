using System.Collections;
using System.Reflection;

namespace JoMA.Engine.Plots;

/// <summary>Reads a public property of an input object by name (case-insensitive), as PowerShell users name them.</summary>
static class PropertyReader
{
    public static PropertyInfo? Find(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

    public static object? Read(object item, string name) => Find(item.GetType(), name)?.GetValue(item);

    /// <summary>A number (double, int, long, nullable) as double; null when absent or not a number.</summary>
    public static double? Number(object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        _ => null,
    };

    /// <summary>A per-layer or per-component list of numbers (LayerValues, double[]); null for anything else.</summary>
    public static IReadOnlyList<double>? Numbers(object? value) => value switch
    {
        IReadOnlyList<double> list => list,
        IEnumerable e and not string => e.Cast<object?>().Select(Number).All(n => n.HasValue) ? e.Cast<object?>().Select(n => Number(n)!.Value).ToArray() : null,
        _ => null,
    };
}
