using System.Buffers.Binary;
using System.Text.Json;
using JoMA.Engine.Native;
using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// A safetensors file, opened lazily: <see cref="Open"/> reads and validates only the header
/// (8-byte little-endian length, then JSON); tensor bytes are read on demand by <see cref="ReadTensor"/>.
/// Every malformed file gives a <see cref="JomaException"/> with a stable id, never a crash:
/// a header longer than the file, unparsable JSON, an unknown dtype, byte ranges that are out of the
/// data section, overlap, or do not match shape × element size.
/// </summary>
public sealed class SafetensorsFile
{
    /// <summary>Headers above this size are refused before allocating (the reference implementation uses 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    readonly Dictionary<string, SafetensorsTensorInfo> tensors;

    SafetensorsFile(string path, Dictionary<string, SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        this.tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyCollection<SafetensorsTensorInfo> Tensors => tensors.Values;
    public IEnumerable<string> Names => tensors.Keys;
    public bool Contains(string name) => tensors.ContainsKey(name);
    public SafetensorsTensorInfo Info(string name) => tensors.TryGetValue(name, out var info) ? info
        : throw new JomaException("CheckpointTensorMissing", JomaErrorKind.ObjectNotFound, $"'{Path}' has no tensor named '{name}'.");

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new JomaException("CheckpointFileNotFound", JomaErrorKind.ObjectNotFound, $"Safetensors file '{path}' does not exist.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = stream.Length;
        if (fileLength < 8) throw Corrupt("SafetensorsTruncated", path, $"the file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Corrupt("SafetensorsHeaderBeyondFile", path, $"the header claims {headerLength} bytes but only {fileLength - 8} follow the length field (truncated or not a safetensors file)");
        if ((long)headerLength > MaxHeaderBytes)
            throw Corrupt("SafetensorsHeaderTooLarge", path, $"the header is {headerLength} bytes, more than the {MaxHeaderBytes} allowed");
        var header = new byte[(int)headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;
        return Parse(path, header, dataStart, fileLength - dataStart);
    }

    static SafetensorsFile Parse(string path, byte[] header, long dataStart, long dataLength)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(header); }
        catch (JsonException e) { throw Corrupt("SafetensorsHeaderInvalid", path, $"the header is not valid JSON ({e.Message})"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt("SafetensorsHeaderInvalid", path, "the header is not a JSON object");
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in property.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                tensors[property.Name] = ParseEntry(path, property, dataStart, dataLength);
            }
            CheckNoOverlap(path, tensors.Values);
            return new SafetensorsFile(path, tensors, metadata);
        }
    }

    static SafetensorsTensorInfo ParseEntry(string path, JsonProperty property, long dataStart, long dataLength)
    {
        var name = property.Name;
        var entry = property.Value;
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
            throw Corrupt("SafetensorsHeaderInvalid", path, $"the entry for '{name}' needs 'dtype' (string), 'shape' (array) and 'data_offsets' ([begin, end])");
        var dtype = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.IsKnown(dtype))
            throw Corrupt("SafetensorsUnknownDType", path, $"tensor '{name}' has dtype '{dtype}', which is not a safetensors dtype (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL, …)");
        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var size) || size < 0)
                throw Corrupt("SafetensorsHeaderInvalid", path, $"tensor '{name}' has a shape entry that is not a non-negative integer");
            shape[i++] = size;
        }
        if (!offsetsElement[0].TryGetInt64(out var begin) || !offsetsElement[1].TryGetInt64(out var end))
            throw Corrupt("SafetensorsHeaderInvalid", path, $"tensor '{name}' has data_offsets that are not integers");
        if (begin < 0 || end < begin || end > dataLength)
            throw Corrupt("SafetensorsOffsetOutOfRange", path, $"tensor '{name}' claims bytes [{begin}, {end}) but the data section is [0, {dataLength})");
        long expectedBytes;
        try { expectedBytes = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * SafetensorsDTypes.ElementSize(dtype)); }
        catch (OverflowException) { throw Corrupt("SafetensorsSizeMismatch", path, $"tensor '{name}' has a shape too large to address"); }
        if (end - begin != expectedBytes)
            throw Corrupt("SafetensorsSizeMismatch", path, $"tensor '{name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {expectedBytes} bytes but its data_offsets span {end - begin}");
        return new SafetensorsTensorInfo(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    static void CheckNoOverlap(string path, IEnumerable<SafetensorsTensorInfo> infos)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (var info in infos.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && info.Begin < previous.End)
                throw Corrupt("SafetensorsOverlappingTensors", path, $"tensors '{previous.Name}' and '{info.Name}' share bytes (ranges overlap); the file is corrupt or hand-edited");
            previous = info;
        }
    }

    /// <summary>
    /// Reads one tensor. Floating tensors become float32 unless <paramref name="keepStoredDType"/> is set
    /// (then F16/BF16 stay half precision). The tensor is CPU, contiguous and owned by the caller's dispose scope.
    /// </summary>
    public torch.Tensor ReadTensor(string name, bool keepStoredDType = false)
    {
        var info = Info(name);
        var scalarType = SafetensorsDTypes.ToScalarType(info.DType)
            ?? throw new JomaException("SafetensorsUnsupportedDType", JomaErrorKind.InvalidData,
                $"Tensor '{name}' in '{Path}' is {info.DType}; the engine reads only F32, F16, BF16, F64 and integer weights.");
        if (info.ByteLength > int.MaxValue)
            throw new JomaException("SafetensorsTensorTooLarge", JomaErrorKind.LimitsExceeded,
                $"Tensor '{name}' in '{Path}' is {info.ByteLength} bytes; single tensors over 2 GiB are not supported.");
        NativeLibraries.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var tensor = torch.empty(info.Shape, scalarType);
        // Read straight into the tensor's CPU storage (bytes aliases it): no managed copy, so loading a model
        // peaks at its weights' size instead of twice that (plus whatever the GC keeps of the buffers).
        using (var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            if (stream.Length < info.End)
                throw Corrupt("SafetensorsTruncated", Path, $"the file shrank to {stream.Length} bytes since it was opened; tensor '{name}' ends at {info.End}");
            stream.Seek(info.Begin, SeekOrigin.Begin);
            if (info.ByteLength > 0) stream.ReadExactly(tensor.bytes);
        }
        bool isFloating = scalarType is torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float64;
        if (isFloating && !keepStoredDType) tensor = tensor.to_type(torch.ScalarType.Float32);
        return tensor.MoveToOuterDisposeScope();
    }

    static JomaException Corrupt(string errorId, string path, string detail) =>
        new(errorId, JomaErrorKind.InvalidData, $"'{path}' is not a valid safetensors file: {detail}. Re-download or re-export the checkpoint.");
}
