using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JoMA.Engine.Config;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// What a sweep varies: axes (a key and its values; their full product) and listed points (each a set of
/// key = value). Every listed point is combined with every product of the axes. Keys are dotted config
/// paths (optimizer.lr, model.layers, seed); values are converted to each key's type, so 1e-4 and "0.0001"
/// name the same trial.
/// </summary>
public sealed class SweepGrid
{
    /// <summary>Keys the sweep itself sets for every trial.</summary>
    static readonly string[] Reserved = { "run", "training.output_directory" };

    readonly List<(string Key, List<object?> Values)> axes = new();
    readonly List<Dictionary<string, object?>> points = new();

    public IReadOnlyList<(string Key, List<object?> Values)> Axes => axes;
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Points => points;

    public void AddAxis(string key, IEnumerable<object?> values)
    {
        var canonical = CanonicalKey(key);
        if (axes.Any(a => a.Key == canonical)) throw JomaException.Argument("SweepKeyRepeated", $"The grid names '{canonical}' twice. Give each key once, with all its values.");
        axes.Add((canonical, values.ToList()));
    }

    public void AddPoint(IEnumerable<KeyValuePair<string, object?>> point) =>
        points.Add(point.ToDictionary(p => CanonicalKey(p.Key), p => p.Value));

    /// <summary>The key as the config spells it; an unknown or reserved key is an error listing the valid ones.</summary>
    public static string CanonicalKey(string key)
    {
        var canonical = TrainingConfig.CanonicalKeyPath(key.Trim());
        if (canonical is null || Reserved.Contains(canonical))
            throw JomaException.Argument("SweepUnknownKey",
                $"'{key}' is not a config key a sweep can vary. Use dotted paths such as optimizer.lr, model.layers or seed; valid keys: {string.Join(", ", TrainingConfig.KeyPaths().Except(Reserved))}.");
        return canonical;
    }

    /// <summary>Every trial of the grid, in a stable order (points, then axes in the order given, the last axis fastest), repeated points dropped.</summary>
    public IReadOnlyList<SweepTrial> Expand(TrainingConfig baseConfig)
    {
        if (axes.Count == 0 && points.Count == 0)
            throw JomaException.Argument("SweepGridEmpty", "The sweep has no grid: give -Grid @{ 'optimizer.lr' = 1e-4, 1e-3 } or a sweep: section with grid: or points: in the config file.");
        if (axes.FirstOrDefault(a => a.Values.Count == 0) is { Key: not null } emptyAxis)
            throw JomaException.Argument("SweepGridEmpty", $"The grid key '{emptyAxis.Key}' has no values, so the grid has no trials. Give it at least one value.");

        var combinations = new List<List<KeyValuePair<string, object?>>> { new() };
        foreach (var (key, values) in axes)
            combinations = combinations.SelectMany(c => values.Select(v => c.Append(new KeyValuePair<string, object?>(key, v)).ToList())).ToList();
        var bases = points.Count == 0 ? new List<Dictionary<string, object?>> { new() } : points;

        var trials = new List<SweepTrial>();
        var seen = new HashSet<string>();
        foreach (var point in bases)
            foreach (var combination in combinations)
            {
                var values = new List<KeyValuePair<string, object?>>(point);
                foreach (var pair in combination)
                {
                    values.RemoveAll(v => v.Key == pair.Key);
                    values.Add(pair);
                }
                var trial = Resolve(baseConfig, values);
                if (seen.Add(trial.Id)) trials.Add(trial);
            }
        return trials;
    }

    /// <summary>Applies one trial's values to a copy of the base config, typed as the config types them.</summary>
    static SweepTrial Resolve(TrainingConfig baseConfig, IEnumerable<KeyValuePair<string, object?>> values)
    {
        var config = baseConfig.Clone();
        var typed = new List<KeyValuePair<string, object?>>();
        foreach (var (key, value) in values)
        {
            config.Set(key, value);
            typed.Add(new(key, config.Get(key)));
        }
        return new SweepTrial(TrialId(typed), typed, config);
    }

    /// <summary>A short hash of the sorted key=value pairs: the same values give the same id whatever their order or spelling.</summary>
    public static string TrialId(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var text = string.Join("\n", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={FormatValue(v.Value)}"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10].ToLowerInvariant();
    }

    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
