using JoMA.Engine.Dynamics;

namespace JoMA.Engine.Config;

/// <summary>
/// A YAML config for Invoke-JomaDynamics. Keys are the parameter names in snake_case
/// (system, mu, delta, a, initial_value, temperature, random_mu, seed, method, step_size, steps, until,
/// relative_tolerance, absolute_tolerance, max_step, first_step, sample_interval, sample_times).
/// </summary>
public sealed class DynamicsConfig
{
    public string? System { get; set; }
    public List<double>? Mu { get; set; }
    public List<double>? Delta { get; set; }
    public double? A { get; set; }
    public List<double>? InitialValue { get; set; }
    public double? Temperature { get; set; }
    public int? RandomMu { get; set; }
    public long? Seed { get; set; }
    public string? Method { get; set; }
    public double? StepSize { get; set; }
    public int? Steps { get; set; }
    public double? Until { get; set; }
    public double? RelativeTolerance { get; set; }
    public double? AbsoluteTolerance { get; set; }
    public double? MaxStep { get; set; }
    public double? FirstStep { get; set; }
    public double? SampleInterval { get; set; }
    public List<double>? SampleTimes { get; set; }

    public static DynamicsConfig Load(string path) => YamlConfigReader.ReadFile<DynamicsConfig>(path);

    public DynamicsSystemKind? SystemKind => System is null ? null : ParseEnum<DynamicsSystemKind>(System, "system", "UnknownSystem");
    public IntegrationMethod? MethodKind => Method is null ? null : ParseEnum<IntegrationMethod>(Method, "method", "UnknownMethod");

    static TEnum ParseEnum<TEnum>(string value, string key, string errorId) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw JomaException.Argument(errorId, $"Config key '{key}': '{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
}
