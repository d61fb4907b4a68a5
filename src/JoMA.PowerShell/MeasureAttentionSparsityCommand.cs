using System.Collections;
using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Metrics;

namespace JoMA.PowerShell;

/// <summary>
/// Entropy and other sparsity statistics of attention (SCIENCE.md §1) from any pipeline object with an
/// Attention property: a probability vector (dynamics samples) or a list of rows.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AttentionSparsity")]
[OutputType(typeof(AttentionSparsity))]
public sealed class MeasureAttentionSparsityCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var input = InputObject!;
        var attention = input.Properties["Attention"]?.Value;
        if (attention is null)
        {
            WriteJomaError(new JomaException("AttentionMissing", JomaErrorKind.InvalidArgument,
                "The input has no Attention property. Pipe objects from Invoke-JomaDynamics, Start-JomaTraining or Get-JomaAttention, " +
                "or any object whose Attention is a probability vector."), input);
            return;
        }
        var accumulator = new AttentionRowStatistics.Accumulator();
        int rowIndex = 0;
        foreach (var row in Rows(attention))
        {
            if (row is null || !accumulator.TryAdd(row))
            {
                WriteJomaError(new JomaException("AttentionNotNormalized", JomaErrorKind.InvalidData,
                    $"Attention row {rowIndex} is not a probability distribution (entries must be finite, non-negative, and sum to 1 within " +
                    $"{AttentionRowStatistics.NormalizationTolerance}). Pass attention probabilities, not logits or scores."), input);
                return;
            }
            rowIndex++;
        }
        var stats = accumulator.Result();
        WriteObject(new AttentionSparsity
        {
            Source = Property<string>(input, "Source"),
            Run = Property<string>(input, "Run"),
            System = Property<object>(input, "System")?.ToString(),
            Index = Property<int?>(input, "Index"),
            Time = Property<double?>(input, "Time"),
            Step = Property<long?>(input, "Step"),
            Layer = Property<int?>(input, "Layer") ?? 0,
            Head = Property<int?>(input, "Head") ?? -1,
            Entropy = stats.Entropy,
            MaxEntropy = stats.MaxEntropy,
            NormalizedEntropy = stats.NormalizedEntropy,
            EffectiveSupport = stats.EffectiveSupport,
            TopMass = stats.TopMass,
            Rows = stats.Rows,
        });
    }

    /// <summary>A vector is one row; a list of vectors is many rows. Numbers may come as any numeric type (e.g. from Import-Csv or JSON).</summary>
    static IEnumerable<double[]?> Rows(object attention)
    {
        attention = attention is PSObject pso ? pso.BaseObject : attention;
        if (attention is double[] vector) { yield return vector; yield break; }
        if (attention is float[] single) { yield return single.Select(x => (double)x).ToArray(); yield break; }
        if (attention is IEnumerable items and not string)
        {
            var list = items.Cast<object?>().Select(x => x is PSObject p ? p.BaseObject : x).ToList();
            if (list.All(x => x is IEnumerable and not string))
            {
                foreach (var inner in list) yield return ToDoubles((IEnumerable)inner!);
                yield break;
            }
            yield return ToDoubles(list);
            yield break;
        }
        yield return null;
    }

    static double[]? ToDoubles(IEnumerable values)
    {
        var result = new List<double>();
        foreach (var v in values)
        {
            try { result.Add(LanguagePrimitives.ConvertTo<double>(v)); }
            catch (PSInvalidCastException) { return null; }
        }
        return result.ToArray();
    }

    static T? Property<T>(PSObject input, string name)
    {
        var value = input.Properties[name]?.Value;
        if (value is null) return default;
        try { return LanguagePrimitives.ConvertTo<T>(value); }
        catch (PSInvalidCastException) { return default; }
    }
}
