namespace JoMA.Engine.Checkpoints;

/// <summary>
/// Remembers the checkpoints seen so far (e.g. in one pipeline) and tells, for each new one, which earlier ones have
/// byte-identical weights. Some Pythia revisions on the hub are exact copies of another revision (SCIENCE.md §5).
/// </summary>
public sealed class DuplicateWeightDetector
{
    readonly Dictionary<string, List<JomaCheckpoint>> byWeights = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="checkpoint"/>; returns the earlier checkpoints with the same weight files (empty if none).</summary>
    public IReadOnlyList<JomaCheckpoint> Add(JomaCheckpoint checkpoint)
    {
        var key = string.Join(",", checkpoint.Sha256.Values.Order(StringComparer.Ordinal));
        if (!byWeights.TryGetValue(key, out var earlier)) byWeights[key] = earlier = [];
        var duplicates = earlier.Where(c => c.Path != checkpoint.Path).ToList();
        earlier.Add(checkpoint);
        return duplicates;
    }
}
