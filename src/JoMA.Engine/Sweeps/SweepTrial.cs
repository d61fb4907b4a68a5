using JoMA.Engine.Config;

namespace JoMA.Engine.Sweeps;

/// <summary>One point of a sweep's grid: a stable id (hash of its values), a readable name and its resolved config.</summary>
public sealed class SweepTrial
{
    public SweepTrial(string id, IReadOnlyList<KeyValuePair<string, object?>> values, TrainingConfig config)
    {
        Id = id;
        Values = values;
        Config = config;
    }

    public string Id { get; }
    /// <summary>The grid values of this trial, typed as the config types them, in grid order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Values { get; }
    public TrainingConfig Config { get; }

    /// <summary>For people: lr=0.0001 layers=2 seed=1 (the last part of each key).</summary>
    public string Name => string.Join(" ", Values.Select(v => $"{v.Key.Split('.')[^1]}={SweepGrid.FormatValue(v.Value)}"));
}
