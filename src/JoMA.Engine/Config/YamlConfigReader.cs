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
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JomaException("ConfigUnreadable", JomaErrorKind.ResourceUnavailable, $"Config file '{path}' cannot be read ({e.Message}). Check its permissions.", e);
        }
        if (text.Split('\n').All(l => l.Trim().Length == 0 || l.TrimStart().StartsWith('#') || l.Trim() is "---" or "..."))
            throw new JomaException("ConfigEmpty", JomaErrorKind.InvalidData,
                $"Config file '{path}' is empty: it sets no keys. Write one with New-JomaConfig | Export-JomaConfig '{path}' -Force (the reference settings), then edit it.");
        return Read<T>(text, path);
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
            var where = e is YamlException y ? $"line {y.Start.Line}, column {y.Start.Column}" : $"line {LastParsedLine(yaml)}";
            var detail = e is YamlException ? Clean(Innermost(e).Message) : "an unterminated or broken collection ([ ] or { })";
            throw new JomaException("ConfigMalformed", JomaErrorKind.InvalidData, $"{source}, {where}: not valid YAML ({detail}).", e);
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
            var expected = ExpectedKind(typeof(T), key);
            throw new JomaException("ConfigInvalidValue", JomaErrorKind.InvalidData,
                $"{source}, line {line}: the value of '{key}' has the wrong type or format{(expected is null ? "" : $"; it takes {expected}")}.", e);
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

    /// <summary>The last line the YAML parser got through (InvalidOperationException carries no position).</summary>
    static long LastParsedLine(string yaml)
    {
        long line = 1;
        try
        {
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext()) line = parser.Current!.End.Line;
        }
        catch (Exception) { }
        return line;
    }

    /// <summary>A parser message without YamlDotNet's position prefix (the position is reported separately).</summary>
    static string Clean(string message) => PositionPrefix().Replace(message, "").TrimEnd('.');

    /// <summary>What a key accepts, in words ("a whole number"), looked up in the config class and its sections; never a .NET type name.</summary>
    static string? ExpectedKind(Type root, string key)
    {
        var property = root.GetProperties().Concat(root.GetProperties().Where(p => p.PropertyType.IsClass && p.PropertyType != typeof(string)).SelectMany(p => p.PropertyType.GetProperties()))
            .FirstOrDefault(p => UnderscoredNamingConvention.Instance.Apply(p.Name) == key);
        if (property is null) return null;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) || type == typeof(float) ? "a number (for example 0.001 or 1e-3)"
            : type == typeof(bool) ? "true or false"
            : type == typeof(string) ? "text"
            : type.IsClass ? "a section of keys" : null;
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

    [GeneratedRegex(@"^\(Line: [^)]*\) - \(Line: [^)]*\): ")]
    private static partial Regex PositionPrefix();

    [GeneratedRegex("Property '([^']+)' not found")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"^\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")]
    private static partial Regex KeyPattern();
}
