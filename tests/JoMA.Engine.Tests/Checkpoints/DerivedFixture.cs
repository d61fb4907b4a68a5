using JoMA.Engine.Checkpoints;
using TorchSharp;

namespace JoMA.Engine.Tests.Checkpoints;

/// <summary>A temp copy of a reference checkpoint rewritten with the project's own safetensors writer.</summary>
internal sealed class DerivedFixture : IDisposable
{
    public DerivedFixture() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "joma-ckpt-" + Guid.NewGuid().ToString("N"));

    /// <summary>The stored tensors of a reference model's model.safetensors (names as stored, float32).</summary>
    public static List<KeyValuePair<string, torch.Tensor>> StoredTensors(string model)
    {
        var file = SafetensorsFile.Open(Path.Combine(FixturePaths.HfReference, model, "model.safetensors"));
        return file.Tensors.OrderBy(t => t.Begin).Select(t => KeyValuePair.Create(t.Name, file.ReadTensor(t.Name))).ToList();
    }

    public void CopyConfig(string model) => File.Copy(Path.Combine(FixturePaths.HfReference, model, "config.json"), Path.Combine(Folder, "config.json"));

    public string File_(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
