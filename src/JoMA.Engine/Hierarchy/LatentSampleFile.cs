using System.Text.Json;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// A dataset of latent samples as JSON lines ({"tokens":[…],"label":…,"active_latents":[[…],…]}), the form
/// most other tools read. Written through a temporary file, so a stopped write leaves nothing behind.
/// </summary>
public static class LatentSampleFile
{
    public static void Write(string path, IEnumerable<LatentSample> samples)
    {
        FileWrites.WriteAtomically(path, temp =>
        {
            using (var writer = new StreamWriter(temp))
            {
                foreach (var s in samples)
                    writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                    {
                        ["tokens"] = s.Tokens.ToArray(), ["label"] = s.Label, ["active_latents"] = s.ActiveLatents.Select(l => l.ToArray()).ToArray(),
                    }));
            }
        });
    }
}
