namespace JoMA.Engine.Checkpoints;

/// <summary>
/// One tensor's entry in a safetensors header: its dtype code ("F32", "F16", "BF16", …), shape and
/// byte range. Begin/End are absolute file offsets (the header's data_offsets plus 8 + header length).
/// </summary>
public sealed record SafetensorsTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
