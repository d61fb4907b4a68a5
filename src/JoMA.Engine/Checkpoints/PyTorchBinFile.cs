using System.Collections;
using System.IO.Compression;
using JoMA.Engine.Native;
using TorchSharp;
using TorchSharp.PyBridge;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// Reads a <c>pytorch_model.bin</c> (torch ≥ 1.6 zip format: <c>archive/data.pkl</c> + <c>archive/data/N</c>)
/// through TorchSharp.PyBridge, after <see cref="PickleGlobalScanner"/> has checked the pickle names only
/// torch tensor/storage classes. Tied weights stored as two references to one storage (OPT's lm_head)
/// come back as two tensors with the same values.
/// </summary>
public static class PyTorchBinFile
{
    /// <summary>
    /// The state dict, every tensor detached from dispose scopes (the caller disposes them).
    /// Errors: <c>CheckpointFileNotFound</c>, <c>PyTorchBinLegacyFormat</c>, <c>PyTorchBinCorrupt</c>,
    /// <c>PickleGlobalNotAllowed</c>, <c>PickleCorrupt</c>.
    /// </summary>
    public static Dictionary<string, torch.Tensor> ReadStateDict(string path)
    {
        if (!File.Exists(path))
            throw new JomaException("CheckpointFileNotFound", JomaErrorKind.ObjectNotFound, $"PyTorch weights file '{path}' does not exist.");
        ScanPickle(path);
        NativeLibraries.EnsureLoaded();
        Hashtable table;
        try
        {
            using var scope = torch.NewDisposeScope();
            table = PyTorchUnpickler.UnpickleStateDict(path);
            foreach (var value in table.Values)
                if (value is torch.Tensor t) t.DetachFromDisposeScope();
        }
        catch (Exception e) when (e is not JomaException)
        {
            throw Corrupt(path, $"unpickling failed ({e.GetType().Name}: {e.Message})", e);
        }
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string key && entry.Value is torch.Tensor tensor) result[key] = tensor;
        }
        return result;
    }

    /// <summary>Opens the zip, finds data.pkl and refuses it if it names anything but torch tensor classes.</summary>
    static void ScanPickle(string path)
    {
        byte[] pickle;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> signature = stackalloc byte[4];
            if (stream.Length < 4 || stream.Read(signature) < 4 || signature[0] != 0x50 || signature[1] != 0x4b)
                throw new JomaException("PyTorchBinLegacyFormat", JomaErrorKind.InvalidData,
                    $"'{path}' is not a zip archive: it is either truncated, corrupt, or saved in PyTorch's pre-1.6 legacy format, which is not supported. " +
                    "Re-save it with torch.save (torch ≥ 1.6) or convert the checkpoint to safetensors.");
            stream.Seek(0, SeekOrigin.Begin);
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            var entries = archive.Entries.Where(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)).ToList();
            if (entries.Count != 1)
                throw Corrupt(path, entries.Count == 0 ? "the archive has no data.pkl" : "the archive has more than one data.pkl");
            using var pkl = entries[0].Open();
            using var buffer = new MemoryStream();
            pkl.CopyTo(buffer);
            pickle = buffer.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException and not FileNotFoundException)
        {
            throw Corrupt(path, $"the zip archive cannot be read ({e.Message})", e);
        }
        PickleGlobalScanner.Scan(pickle, path);
    }

    static JomaException Corrupt(string path, string detail, Exception? inner = null) =>
        new("PyTorchBinCorrupt", JomaErrorKind.InvalidData,
            $"'{path}' is not a readable PyTorch checkpoint: {detail}. The file may be truncated; re-download it or use model.safetensors.", inner);
}
