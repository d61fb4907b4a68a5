using JoMA.Engine.Config;
using YamlDotNet.RepresentationModel;

namespace JoMA.Engine.Sweeps;

/// <summary>
/// A training config plus the grid to sweep over it. In YAML the grid is a top-level sweep: section beside
/// data/model/optimizer/training:
/// <code>
/// sweep:
///   grid:   { optimizer.lr: [1e-4, 1e-3], model.layers: [1, 2], seed: [1, 2, 3] }
///   points: [ { optimizer.lr: 1e-2, model.layers: 1 } ]
/// </code>
/// </summary>
public sealed class SweepDefinition
{
    public SweepDefinition(TrainingConfig baseConfig, SweepGrid grid)
    {
        BaseConfig = baseConfig;
        Grid = grid;
    }

    public TrainingConfig BaseConfig { get; }
    public SweepGrid Grid { get; }

    /// <summary>Reads a config file that may carry a sweep: section; relative paths are taken against the file's folder.</summary>
    public static SweepDefinition Load(string path)
    {
        if (!File.Exists(path)) throw new JomaException("ConfigNotFound", JomaErrorKind.ObjectNotFound, $"Config file '{path}' does not exist.");
        var (configYaml, sweep) = SplitSweepSection(File.ReadAllText(path), path);
        var config = YamlConfigReader.Read<TrainingConfig>(configYaml, path);
        config.AnchorPaths(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var grid = new SweepGrid();
        if (sweep is not null) ReadSweepSection(sweep, grid, path);
        return new SweepDefinition(config, grid);
    }

    /// <summary>The YAML without its sweep: section (for the strict config reader), and that section.</summary>
    static (string ConfigYaml, YamlMappingNode? Sweep) SplitSweepSection(string yaml, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (Exception) { return (yaml, null); } // the config reader reports broken YAML with its position
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return (yaml, null);
        var key = new YamlScalarNode("sweep");
        if (!root.Children.TryGetValue(key, out var node)) return (yaml, null);
        if (node is not YamlMappingNode sweep)
            throw new JomaException("SweepSectionInvalid", JomaErrorKind.InvalidData, $"{source}: sweep: must be a mapping with grid: and/or points:.");
        root.Children.Remove(key);
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return (writer.ToString().Replace("\n...", "\n"), sweep);
    }

    static void ReadSweepSection(YamlMappingNode sweep, SweepGrid grid, string source)
    {
        foreach (var (keyNode, value) in sweep.Children)
        {
            switch (((YamlScalarNode)keyNode).Value)
            {
                case "grid" when value is YamlMappingNode axes:
                    foreach (var (axisKey, axisValues) in axes.Children)
                        grid.AddAxis(((YamlScalarNode)axisKey).Value!, axisValues is YamlSequenceNode list ? list.Children.Select(Scalar) : new[] { Scalar(axisValues) });
                    break;
                case "points" when value is YamlSequenceNode list:
                    foreach (var point in list.Children)
                    {
                        if (point is not YamlMappingNode map)
                            throw new JomaException("SweepSectionInvalid", JomaErrorKind.InvalidData, $"{source}: each item of sweep.points must be a mapping of config keys to values.");
                        grid.AddPoint(map.Children.Select(p => new KeyValuePair<string, object?>(((YamlScalarNode)p.Key).Value!, Scalar(p.Value))));
                    }
                    break;
                default:
                    throw new JomaException("SweepSectionInvalid", JomaErrorKind.InvalidData,
                        $"{source}: unknown or malformed sweep.{keyNode}. The sweep: section takes grid: (a mapping of config keys to lists of values) and points: (a list of mappings).");
            }
        }

        object? Scalar(YamlNode node) => node is YamlScalarNode s ? s.Value
            : throw new JomaException("SweepSectionInvalid", JomaErrorKind.InvalidData, $"{source}, line {node.Start.Line}: sweep values must be plain values (numbers, text, true/false).");
    }
}
