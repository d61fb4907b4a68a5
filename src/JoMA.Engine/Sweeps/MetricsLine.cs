using System.Text.Json;
using JoMA.Engine.Metrics;

namespace JoMA.Engine.Sweeps;

/// <summary>The numbers of one snapshot as a run folder's metrics.jsonl records them.</summary>
public sealed record MetricsLine(long Step, int Epoch, double? TrainLoss, double ValidationLoss, double ValidationPerplexity, double LearningRate,
    LayerValues LayerEntropy, LayerValues StableRank, string? CheckpointPath, double ElapsedSeconds)
{
    public static MetricsLine Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        LayerValues Values(string name) => new(r.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(e => e.GetDouble()) : Array.Empty<double>());
        double Number(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
        return new MetricsLine(
            r.GetProperty("Step").GetInt64(),
            r.TryGetProperty("Epoch", out var epoch) ? epoch.GetInt32() : 0,
            r.TryGetProperty("TrainLoss", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null,
            Number("ValidationLoss"), Number("ValidationPerplexity"), Number("LearningRate"),
            Values("LayerEntropy"), Values("StableRank"),
            r.TryGetProperty("CheckpointPath", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
            Number("ElapsedSeconds"));
    }

    /// <summary>Every complete line of a metrics file (none when it does not exist).</summary>
    public static IReadOnlyList<MetricsLine> ReadAll(string path)
    {
        if (!File.Exists(path)) return Array.Empty<MetricsLine>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Where(l => l.Trim().Length > 0).Select(TryParse).OfType<MetricsLine>().ToList();
    }

    static MetricsLine? TryParse(string line)
    {
        try { return Parse(line); }
        catch (JsonException) { return null; } // a line still being written
    }
}
