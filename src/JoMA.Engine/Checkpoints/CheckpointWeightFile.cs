using System.Security.Cryptography;

namespace JoMA.Engine.Checkpoints;

/// <summary>
/// One weight file of a checkpoint, with its SHA-256 (lowercase hex). The hash is computed on first
/// access and cached, so opening a multi-gigabyte checkpoint stays cheap until someone asks for it.
/// Why hashes: some hub revisions are byte-identical uploads of another (SCIENCE.md §5).
/// </summary>
public sealed class CheckpointWeightFile
{
    readonly Lazy<string> sha256;

    public CheckpointWeightFile(string path)
    {
        Path = path;
        Bytes = new FileInfo(path).Length;
        sha256 = new Lazy<string>(() =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }

    public string Path { get; }
    public string FileName => System.IO.Path.GetFileName(Path);
    public long Bytes { get; }
    public string Sha256 => sha256.Value;
}
