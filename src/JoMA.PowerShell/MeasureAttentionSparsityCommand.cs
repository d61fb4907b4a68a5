using System.Collections;
using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Metrics;

namespace JoMA.PowerShell;

/// <summary>
/// Entropy and other sparsity statistics of attention (SCIENCE.md §1) from any pipeline object that carries
/// attention: AttentionSamples (maps or reduced), training snapshots (their full-split statistics), or any
/// object whose Attention is a probability vector or a list of rows.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AttentionSparsity")]
[OutputType(typeof(AttentionSparsity))]
public sealed class MeasureAttentionSparsityCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Also one row per head (Head = index), besides the head-averaged row (Head = −1).</summary>
    [Parameter]
    public SwitchParameter PerHead { get; set; }

    /// <summary>Average over windows: one row per source, revision, step, layer and head, written at the end.</summary>
    [Parameter]
    public SwitchParameter Aggregate { get; set; }

    readonly Dictionary<(string?, string?, string?, string?, long?, int, int), (AttentionSparsity Identity, AttentionRowStatistics.Accumulator Sums)> aggregates = new();

    protected override void ProcessRecord()
    {
        var input = InputObject!;
        var identity = Identity(input);
        var layers = LayerStatistics(input);
        if (layers is not null)
        {
            foreach (var layer in layers)
            {
                Emit(identity, layer.Layer, -1, layer.HeadAveraged);
                if (PerHead)
                    for (int h = 0; h < layer.PerHead.Length; h++) Emit(identity, layer.Layer, h, layer.PerHead[h]);
            }
            return;
        }

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
        Emit(identity, Property<int?>(input, "Layer") ?? 0, Property<int?>(input, "Head") ?? -1, accumulator.Result());
    }

    protected override void EndProcessing()
    {
        foreach (var (identity, sums) in aggregates.Values)
            WriteObject(AttentionSparsity.From(identity, identity.Layer, identity.Head, sums.Result()));
    }

    void Emit(AttentionSparsity identity, int layer, int head, AttentionRowStatistics stats)
    {
        if (!Aggregate)
        {
            WriteObject(AttentionSparsity.From(identity, layer, head, stats));
            return;
        }
        var key = (identity.Source, identity.Model, identity.Revision, identity.Run, identity.Step, layer, head);
        if (!aggregates.TryGetValue(key, out var entry))
            aggregates[key] = entry = (new AttentionSparsity
            {
                Source = identity.Source, Model = identity.Model, Revision = identity.Revision, Run = identity.Run, System = identity.System,
                Step = identity.Step, Layer = layer, Head = head,
            }, new AttentionRowStatistics.Accumulator());
        entry.Sums.AddSums(stats.Entropy * stats.Rows, stats.MaxEntropy * stats.Rows, stats.TopMass * stats.Rows, stats.Rows);
    }

    /// <summary>Per-layer statistics already computed upstream: a snapshot's full-split figures, or an AttentionSample's.</summary>
    static LayerAttentionStatistics[]? LayerStatistics(PSObject input)
    {
        if (input.Properties["AttentionStatistics"]?.Value is LayerAttentionStatistics[] full) return full;
        if (input.BaseObject is AttentionSample sample) return sample.Statistics;
        return input.Properties["Attention"]?.Value is AttentionSample inner ? inner.Statistics : null;
    }

    static AttentionSparsity Identity(PSObject input)
    {
        var sample = input.BaseObject as AttentionSample;
        return new AttentionSparsity
        {
            Source = Property<string>(input, "Source") ?? sample?.Source,
            Model = Property<string>(input, "Model"),
            Revision = Property<string>(input, "Revision"),
            Run = Property<string>(input, "Run"),
            System = Property<object>(input, "System")?.ToString(),
            Index = Property<int?>(input, "Index"),
            Time = Property<double?>(input, "Time"),
            Step = Property<long?>(input, "Step"),
            Window = Property<int?>(input, "Window"),
        };
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
            if (list.Count > 0 && list.All(x => x is IEnumerable and not string))
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
