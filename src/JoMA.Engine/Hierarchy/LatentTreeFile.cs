using System.Text.Json;
using System.Text.Json.Serialization;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// A latent tree as JSON: the spec it was built from and its layers (children and edge δ), so that a run
/// can be re-created exactly even by a tool that does not rebuild trees from seeds.
/// </summary>
public static class LatentTreeFile
{
    public const string Format = "joma-latent-tree/1";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    sealed record Document(string Format, LatentTreeSpec Spec, LayerDocument[] Layers);
    sealed record LayerDocument(int[][] Children, double[][]? EdgeDeltas);

    public static string ToJson(LatentTree tree) =>
        JsonSerializer.Serialize(new Document(Format, tree.Spec, tree.Layers.Select(l => new LayerDocument(l.Children, l.EdgeDeltas)).ToArray()), Json);

    public static LatentTree FromJson(string json, string source = "<text>")
    {
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, Json);
        }
        catch (JsonException e)
        {
            throw new JomaException("TreeFileInvalid", JomaErrorKind.InvalidData, $"{source} is not a latent-tree file ({e.Message}). Export one with Export-JomaLatentTree.", e);
        }
        if (document is null || document.Format != Format || document.Spec is null || document.Layers is null)
            throw new JomaException("TreeFileInvalid", JomaErrorKind.InvalidData, $"{source} is not a {Format} file. Export one with Export-JomaLatentTree.");
        return LatentTree.FromLayers(document.Spec, document.Layers.Select(l => new LatentLayer(l.Children, l.EdgeDeltas)).ToArray());
    }

    /// <summary>Writes through a temporary file, so an interrupted write leaves no half-written tree.</summary>
    public static void Save(LatentTree tree, string path)
    {
        FileWrites.WriteAllText(path, ToJson(tree));
    }

    public static LatentTree Load(string path)
    {
        if (!File.Exists(path)) throw new JomaException("TreeFileNotFound", JomaErrorKind.ObjectNotFound, $"Latent-tree file '{path}' does not exist.");
        return FromJson(File.ReadAllText(path), path);
    }
}
