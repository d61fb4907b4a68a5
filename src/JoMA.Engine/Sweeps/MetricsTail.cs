namespace JoMA.Engine.Sweeps;

/// <summary>
/// Follows a metrics.jsonl that another process appends to, returning each new complete line once. A resumed
/// run rewrites the file (dropping lines after its checkpoint); steps already returned are not returned again.
/// </summary>
public sealed class MetricsTail
{
    readonly string path;
    long offset;
    long lastStep = -1;

    public MetricsTail(string path) => this.path = path;

    public IReadOnlyList<MetricsLine> ReadNew()
    {
        if (!File.Exists(path)) return Array.Empty<MetricsLine>();
        string text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < offset) offset = 0; // rewritten by a resume
            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (IOException)
        {
            return Array.Empty<MetricsLine>(); // being replaced right now; the next poll reads it
        }
        int end = text.LastIndexOf('\n');
        if (end < 0) return Array.Empty<MetricsLine>(); // only a partial line so far
        offset += System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, end + 1));
        var lines = new List<MetricsLine>();
        foreach (var line in text[..end].Split('\n'))
        {
            if (line.Trim().Length == 0) continue;
            var parsed = MetricsLine.Parse(line);
            if (parsed.Step <= lastStep) continue;
            lastStep = parsed.Step;
            lines.Add(parsed);
        }
        return lines;
    }
}
