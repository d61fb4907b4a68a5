using System.Buffers.Binary;
using System.Text;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// Walks a pickle's opcodes without executing any of them and refuses one that names a global
/// outside the set a torch state dict needs. Why: Razorvine's unpickler (used by TorchSharp.PyBridge)
/// turns any unknown global into a placeholder object instead of refusing it, and a checkpoint that
/// names e.g. <c>os.system</c> is hostile or not a state dict at all — either way it must not be loaded.
/// Extension-registry opcodes (EXT1/2/4) are refused too, since they name globals indirectly.
/// </summary>
public static class PickleGlobalScanner
{
    /// <summary>True when module.name is one of the globals a torch state dict is built from.</summary>
    public static bool IsAllowed(string module, string name) =>
        (module == "torch._utils" && name is "_rebuild_tensor_v2" or "_rebuild_tensor")
        || (module == "torch" && name.EndsWith("Storage", StringComparison.Ordinal) && name.All(char.IsAsciiLetterOrDigit))
        || (module == "collections" && name == "OrderedDict");

    /// <summary>Returns the globals the pickle names; throws <c>PickleGlobalNotAllowed</c> on the first one not allowed.</summary>
    public static IReadOnlyList<string> Scan(ReadOnlySpan<byte> pickle, string source)
    {
        var globals = new List<string>();
        var memo = new Dictionary<long, string>();
        string? older = null, newer = null; // the last two pushed values when they were strings (for STACK_GLOBAL)
        int i = 0;
        void Push(string? value) { older = newer; newer = value; }
        while (true)
        {
            if (i >= pickle.Length) throw Truncated(source);
            byte op = pickle[i++];
            switch (op)
            {
                case (byte)'.': return globals; // STOP
                case (byte)'c': // GLOBAL module\nname\n
                case (byte)'i': // INST module\nname\n
                {
                    var module = ReadLine(pickle, ref i, source);
                    var name = ReadLine(pickle, ref i, source);
                    Check(module, name, source, globals);
                    Push(null);
                    break;
                }
                case 0x93: // STACK_GLOBAL
                    if (older is null || newer is null)
                        throw Refused(source, "a STACK_GLOBAL whose module and name cannot be verified without running the pickle");
                    Check(older, newer, source, globals);
                    Push(null);
                    break;
                case 0x82: case 0x83: case 0x84: // EXT1/2/4
                    throw Refused(source, "an extension-registry reference (EXT opcode), which names a global indirectly");
                // Strings: remembered so STACK_GLOBAL can be checked.
                case 0x8c: Push(ReadString(pickle, ref i, Take(pickle, ref i, 1, source)[0], source)); break; // SHORT_BINUNICODE
                case (byte)'X': Push(ReadString(pickle, ref i, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, ref i, 4, source)), source)); break; // BINUNICODE
                case 0x8d: Push(ReadString(pickle, ref i, checked((long)BinaryPrimitives.ReadUInt64LittleEndian(Take(pickle, ref i, 8, source))), source)); break; // BINUNICODE8
                case (byte)'V': Push(ReadLine(pickle, ref i, source)); break; // UNICODE
                // Memo: a string stored and fetched again still counts as that string.
                case 0x94: if (newer is not null) memo[memo.Count] = newer; break; // MEMOIZE
                case (byte)'q': { var k = Take(pickle, ref i, 1, source)[0]; if (newer is not null) memo[k] = newer; break; } // BINPUT
                case (byte)'r': { var k = BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, ref i, 4, source)); if (newer is not null) memo[k] = newer; break; }
                case (byte)'p': { var k = ReadLine(pickle, ref i, source); if (newer is not null && long.TryParse(k, out var n)) memo[n] = newer; break; }
                case (byte)'h': Push(memo.GetValueOrDefault(Take(pickle, ref i, 1, source)[0])); break; // BINGET
                case (byte)'j': Push(memo.GetValueOrDefault(BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, ref i, 4, source)))); break;
                case (byte)'g': { var k = ReadLine(pickle, ref i, source); Push(long.TryParse(k, out var n) ? memo.GetValueOrDefault(n) : null); break; }
                // Opcodes with fixed-size arguments.
                case 0x80: Take(pickle, ref i, 1, source); break; // PROTO (no push)
                case 0x95: Take(pickle, ref i, 8, source); break; // FRAME (no push)
                case (byte)'K': Take(pickle, ref i, 1, source); Push(null); break;
                case (byte)'M': Take(pickle, ref i, 2, source); Push(null); break;
                case (byte)'J': Take(pickle, ref i, 4, source); Push(null); break;
                case (byte)'G': Take(pickle, ref i, 8, source); Push(null); break;
                // Opcodes with length-prefixed data.
                case (byte)'U': case (byte)'C': case 0x8a: Take(pickle, ref i, Take(pickle, ref i, 1, source)[0], source); Push(null); break;
                case (byte)'T': case (byte)'B': case 0x8b:
                    Take(pickle, ref i, BinaryPrimitives.ReadUInt32LittleEndian(Take(pickle, ref i, 4, source)), source); Push(null); break;
                case 0x8e: case 0x96:
                    Take(pickle, ref i, checked((long)BinaryPrimitives.ReadUInt64LittleEndian(Take(pickle, ref i, 8, source))), source); Push(null); break;
                // Opcodes with a newline-terminated argument.
                case (byte)'F': case (byte)'I': case (byte)'L': case (byte)'S': case (byte)'P':
                    ReadLine(pickle, ref i, source); Push(null); break;
                // Opcodes without arguments.
                case (byte)'(': case (byte)'0': case (byte)'1': case (byte)'2': case (byte)'N': case (byte)'Q':
                case (byte)'R': case (byte)'a': case (byte)'b': case (byte)'d': case (byte)'}': case (byte)'e':
                case (byte)'l': case (byte)']': case (byte)'o': case (byte)'s': case (byte)'t': case (byte)')':
                case (byte)'u': case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8f:
                case 0x90: case 0x91: case 0x92: case 0x97: case 0x98:
                    Push(null); break;
                default:
                    throw new JomaException("PickleCorrupt", JomaErrorKind.InvalidData,
                        $"'{source}' contains an unknown pickle opcode 0x{op:x2} at byte {i - 1}; the file is corrupt or not a PyTorch checkpoint. Re-download it, or use model.safetensors instead.");
            }
        }
    }

    static void Check(string module, string name, string source, List<string> globals)
    {
        if (!IsAllowed(module, name)) throw Refused(source, $"the global '{module}.{name}'");
        globals.Add(module + "." + name);
    }

    static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> pickle, ref int i, long count, string source)
    {
        if (count < 0 || count > pickle.Length - i) throw Truncated(source);
        var slice = pickle.Slice(i, (int)count);
        i += (int)count;
        return slice;
    }

    static string ReadString(ReadOnlySpan<byte> pickle, ref int i, long length, string source) =>
        Encoding.UTF8.GetString(Take(pickle, ref i, length, source));

    static string ReadLine(ReadOnlySpan<byte> pickle, ref int i, string source)
    {
        int end = pickle[i..].IndexOf((byte)'\n');
        if (end < 0) throw Truncated(source);
        var line = Encoding.UTF8.GetString(pickle.Slice(i, end));
        i += end + 1;
        return line;
    }

    static JomaException Refused(string source, string what) =>
        new("PickleGlobalNotAllowed", JomaErrorKind.InvalidData,
            $"'{source}' was refused without running it: its pickle references {what}. A state dict needs only " +
            "torch._utils._rebuild_tensor_v2, torch.*Storage and collections.OrderedDict. Do not load files from untrusted sources; use model.safetensors where available.");

    static JomaException Truncated(string source) =>
        new("PickleCorrupt", JomaErrorKind.InvalidData, $"The pickle in '{source}' ends before its STOP opcode; the file is truncated or corrupt. Re-download it.");
}
