using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace JoMA.Engine.Config;

/// <summary>
/// Reads a YAML experiment config into a typed class, strictly: an unknown key or a value of the wrong
/// type is an error that names the key and the line, never silently ignored.
/// </summary>
public static partial class YamlConfigReader
{
    static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static T ReadFile<T>(string path) where T : class, new()
    {
        if (!File.Exists(path))
            throw new JomaException("ConfigNotFound", JomaErrorKind.ObjectNotFound, $"Config file '{path}' does not exist.");
        return Read<T>(File.ReadAllText(path), path);
    }

    public static T Read<T>(string yaml, string source = "<text>") where T : class, new()
    {
        try
        {
            // Parse alone first, so that broken YAML is told apart from a well-formed file with a bad value.
            new YamlDotNet.RepresentationModel.YamlStream().Load(new StringReader(yaml));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // YamlDotNet reports some broken flow collections as InvalidOperationException, without a position.
            var where = e is YamlException y ? $"line {y.Start.Line}, column {y.Start.Column}" : "unterminated or broken collection";
            throw new JomaException("ConfigMalformed", JomaErrorKind.InvalidData, $"{source}, {where}: not valid YAML ({Innermost(e).Message}).", e);
        }
        try
        {
            return Deserializer.Deserialize<T>(yaml) ?? new T();
        }
        catch (YamlException e)
        {
            var line = e.Start.Line;
            var unknown = UnknownProperty().Match(Innermost(e).Message);
            if (unknown.Success)
                throw new JomaException("ConfigUnknownKey", JomaErrorKind.InvalidData,
                    $"{source}, line {line}: unknown key '{UnderscoredNamingConvention.Instance.Apply(unknown.Groups[1].Value)}'. " +
                    $"Valid keys: {string.Join(", ", KeysOf<T>())}.", e);
            var key = KeyAtLine(yaml, line);
            throw new JomaException("ConfigInvalidValue", JomaErrorKind.InvalidData,
                $"{source}, line {line}: the value of '{key}' has the wrong type or format ({Innermost(e).Message}).", e);
        }
    }

    /// <summary>The YAML key names a config class accepts.</summary>
    public static IEnumerable<string> KeysOf<T>() =>
        typeof(T).GetProperties().Where(p => p.CanWrite).Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));

    static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    static string KeyAtLine(string yaml, long line)
    {
        var lines = yaml.Split('\n');
        for (long i = Math.Min(line, lines.Length) - 1; i >= 0; i--)
        {
            var match = KeyPattern().Match(lines[i]);
            if (match.Success) return match.Groups[1].Value;
        }
        return "?";
    }

    [GeneratedRegex("Property '([^']+)' not found")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"^\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")]
    private static partial Regex KeyPattern();
}
