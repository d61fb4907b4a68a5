using System.Text.Json;

namespace JoMA.Engine.Sweeps;

/// <summary>What trial.json holds: a trial's id, its index in trials.txt (its Slurm array index), name and grid values.</summary>
public sealed class SweepTrialRecord
{
    public string Id { get; init; } = "";
    public int Index { get; init; }
    public string Name { get; init; } = "";
    public Dictionary<string, object?> Values { get; init; } = new();

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SweepTrialRecord Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        var values = new Dictionary<string, object?>();
        foreach (var p in r.GetProperty("Values").EnumerateObject())
            values[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Number => p.Value.TryGetInt64(out var l) && !p.Value.GetRawText().Contains('.') && !p.Value.GetRawText().Contains('E', StringComparison.OrdinalIgnoreCase) ? l : p.Value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                _ => p.Value.GetString(),
            };
        return new SweepTrialRecord { Id = r.GetProperty("Id").GetString()!, Index = r.GetProperty("Index").GetInt32(), Name = r.GetProperty("Name").GetString()!, Values = values };
    }
}
