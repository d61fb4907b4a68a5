using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// Writes safetensors files: one file, or a sharded set with the Hugging Face
/// <c>model.safetensors.index.json</c> that maps each tensor to its shard.
/// Tensors are written in their own dtype (convert with <c>.to_type</c> first for fp16/bf16 copies),
/// in the order given, with the header padded with spaces to a multiple of 8 bytes as the reference writer does.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var duplicates = list.GroupBy(t => t.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw JomaException.Argument("SafetensorsDuplicateName", $"Tensor names must be unique; repeated: {string.Join(", ", duplicates)}.");
        var contents = new List<byte[]>(list.Count);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in list)
            {
                var cpu = tensor.cpu().contiguous();
                var bytes = cpu.bytes.ToArray();
                contents.Add(bytes);
                writer.WriteStartObject(name);
                writer.WriteString("dtype", SafetensorsDTypes.FromScalarType(tensor.dtype));
                writer.WriteStartArray("shape");
                foreach (var d in tensor.shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + bytes.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += bytes.Length;
                if (!ReferenceEquals(cpu, tensor)) cpu.Dispose();
            }
            writer.WriteEndObject();
        }
        var header = json.ToArray().ToList();
        while (header.Count % 8 != 0) header.Add((byte)' ');
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Count);
        file.Write(length);
        file.Write(header.ToArray());
        foreach (var bytes in contents) file.Write(bytes);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> into <paramref name="shardCount"/> shards named
    /// <c>model-0000i-of-0000n.safetensors</c> in <paramref name="folder"/>, plus <c>model.safetensors.index.json</c>.
    /// Returns the shard file names.
    /// </summary>
    public static IReadOnlyList<string> WriteSharded(string folder, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, int shardCount)
    {
        if (shardCount < 1) throw JomaException.Argument("SafetensorsShardCountNotPositive", $"The shard count must be 1 or more (got {shardCount}).");
        var list = tensors.ToList();
        var names = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long totalSize = 0;
        int perShard = (list.Count + shardCount - 1) / shardCount;
        for (int s = 0; s < shardCount; s++)
        {
            var shard = list.Skip(s * perShard).Take(perShard).ToList();
            var fileName = $"model-{s + 1:D5}-of-{shardCount:D5}.safetensors";
            Write(Path.Combine(folder, fileName), shard);
            names.Add(fileName);
            foreach (var (name, tensor) in shard)
            {
                weightMap[name] = fileName;
                totalSize += tensor.NumberOfElements * tensor.ElementSize;
            }
        }
        var index = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, long> { ["total_size"] = totalSize },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(folder, HuggingFaceCheckpoint.SafetensorsIndexFileName),
            JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false));
        return names;
    }
}
