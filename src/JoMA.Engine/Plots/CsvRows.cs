using System.Globalization;
using System.Reflection;
using JoMA.Engine.Dynamics;
using JoMA.Engine.Joint;
using JoMA.Engine.Metrics;
using JoMA.Engine.Training;

namespace JoMA.Engine.Plots;

/// <summary>
/// Turns a row of an exported CSV (Import-Csv gives text properties) back into the module's own object, so
/// that `Import-Csv run.csv | Export-JomaPlot x.png` draws what the live objects would. A row is recognised by
/// the properties only its type has; per-layer lists come back from their "a;b;c" text (LayerValues.ToString).
/// Columns a CSV cannot hold (arrays written as "System.Double[]") stay empty.
/// </summary>
public static class CsvRows
{
    static readonly (Type Type, string[] Signature)[] Known =
    [
        (typeof(JomaTrainingSnapshot), ["Run", "Step", "ValidationLoss", "LayerEntropy"]),
        (typeof(AttentionSparsity), ["Layer", "Head", "Entropy", "NormalizedEntropy", "TopMass"]),
        (typeof(StableRankResult), ["Layer", "Matrix", "StableRank"]),
        (typeof(JomaInvariantSample), ["Step", "Loss", "Correlation"]),
        (typeof(JomaDynamicsSample), ["Time", "Step", "Entropy", "System"]),
    ];

    /// <summary>The object a CSV row came from, or null when its columns match none of the module's types.</summary>
    public static object? Rehydrate(IReadOnlyDictionary<string, string?> row)
    {
        var columns = new HashSet<string>(row.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var (type, signature) in Known)
        {
            if (!signature.All(columns.Contains)) continue;
            var item = Activator.CreateInstance(type)!;
            foreach (var (name, text) in row)
            {
                if (string.IsNullOrEmpty(text)) continue;
                var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null || !property.CanWrite) continue;
                if (Convert(text, property.PropertyType) is { } value) property.SetValue(item, value);
            }
            return item;
        }
        return null;
    }

    static object? Convert(string text, Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        var culture = CultureInfo.InvariantCulture;
        if (inner == typeof(string)) return text;
        if (inner == typeof(double)) return double.TryParse(text, NumberStyles.Float, culture, out var d) ? d : null;
        if (inner == typeof(int)) return int.TryParse(text, NumberStyles.Integer, culture, out var i) ? i : null;
        if (inner == typeof(long)) return long.TryParse(text, NumberStyles.Integer, culture, out var l) ? l : null;
        if (inner == typeof(bool)) return bool.TryParse(text, out var b) ? b : null;
        if (inner.IsEnum) return Enum.TryParse(inner, text, ignoreCase: true, out var e) ? e : null;
        if (inner == typeof(LayerValues) || inner == typeof(double[]))
        {
            var parts = text.Split(';', ' ');
            var values = new double[parts.Length];
            for (int k = 0; k < parts.Length; k++)
                if (!double.TryParse(parts[k], NumberStyles.Float, culture, out values[k])) return null; // "System.Double[]": not kept by the CSV
            return inner == typeof(double[]) ? values : new LayerValues(values);
        }
        return null;
    }
}
