using TorchSharp;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// The dtype codes of the safetensors format and their element sizes. Codes the format defines are
/// accepted in a header (stale bool/int buffers must not make a file unreadable); only the floating
/// codes with a torch equivalent can actually be read as weights.
/// </summary>
public static class SafetensorsDTypes
{
    static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    public static bool IsKnown(string code) => ElementSizes.ContainsKey(code);

    public static int ElementSize(string code) => ElementSizes[code];

    /// <summary>The torch dtype a code is read as, or null when the engine cannot use it as a weight.</summary>
    public static torch.ScalarType? ToScalarType(string code) => code switch
    {
        "F32" => torch.ScalarType.Float32,
        "F16" => torch.ScalarType.Float16,
        "BF16" => torch.ScalarType.BFloat16,
        "F64" => torch.ScalarType.Float64,
        "I64" => torch.ScalarType.Int64,
        "I32" => torch.ScalarType.Int32,
        "I16" => torch.ScalarType.Int16,
        "I8" => torch.ScalarType.Int8,
        "U8" => torch.ScalarType.Byte,
        "BOOL" => torch.ScalarType.Bool,
        _ => null,
    };

    /// <summary>The code the writer uses for a torch dtype.</summary>
    public static string FromScalarType(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "F32",
        torch.ScalarType.Float16 => "F16",
        torch.ScalarType.BFloat16 => "BF16",
        torch.ScalarType.Float64 => "F64",
        torch.ScalarType.Int64 => "I64",
        torch.ScalarType.Int32 => "I32",
        torch.ScalarType.Int16 => "I16",
        torch.ScalarType.Int8 => "I8",
        torch.ScalarType.Byte => "U8",
        torch.ScalarType.Bool => "BOOL",
        _ => throw JomaException.Argument("SafetensorsDTypeNotWritable", $"Tensors of dtype {type} cannot be written to safetensors by this engine; convert them to float32, float16 or bfloat16 first."),
    };

    /// <summary>"float32" / "float16" / "bfloat16" — the names config.json's torch_dtype uses.</summary>
    public static string FriendlyName(string code) => code switch
    {
        "F32" => "float32", "F16" => "float16", "BF16" => "bfloat16", "F64" => "float64",
        _ => code.ToLowerInvariant(),
    };
}
