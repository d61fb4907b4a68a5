namespace JoMA.Engine.Text;

/// <summary>
/// A language-modelling corpus on disk: a Wikitext folder (wiki.{train,valid,test}.tokens or the .raw
/// variants, each optionally gzip-compressed as .gz) or explicit UTF-8 files (.gz read the same way).
/// Files are streamed line by line: only the token ids are held, never
/// the text itself (Wikitext-103 is 0.5 GB of text).
/// </summary>
public sealed class WikitextCorpus
{
    WikitextCorpus(string trainPath, string validationPath, string? testPath)
    {
        TrainPath = trainPath;
        ValidationPath = validationPath;
        TestPath = testPath;
    }

    /// <summary>Where a split is not valid UTF-8 (binary bytes, Latin-1 text): one line per file, naming the file and line.</summary>
    public IReadOnlyList<string> EncodingWarnings { get; private set; } = Array.Empty<string>();

    public string TrainPath { get; }
    public string ValidationPath { get; }
    public string? TestPath { get; }

    /// <summary>Finds the splits of a Wikitext folder (.tokens preferred over .raw, plain over .gz).</summary>
    public static WikitextCorpus FromFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new JomaException("CorpusNotFound", JomaErrorKind.ObjectNotFound,
                $"Corpus folder '{folder}' does not exist. Give a folder holding wiki.train.tokens and wiki.valid.tokens (or the .raw files), or use -TrainPath and -ValidationPath.");
        string? Find(string split) => new[] { $"wiki.{split}.tokens", $"wiki.{split}.tokens.gz", $"wiki.{split}.raw", $"wiki.{split}.raw.gz" }
            .Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
        var train = Find("train") ?? throw new JomaException("CorpusTrainingSplitMissing", JomaErrorKind.ObjectNotFound,
            $"'{folder}' has no wiki.train.tokens or wiki.train.raw (nor their .gz). Use -TrainPath to name the training text.");
        var valid = Find("valid") ?? throw new JomaException("CorpusValidationSplitMissing", JomaErrorKind.ObjectNotFound,
            $"'{folder}' has no wiki.valid.tokens or wiki.valid.raw (nor their .gz): evaluation needs a validation split. Use -ValidationPath to name one.");
        return Checked(new WikitextCorpus(train, valid, Find("test")));
    }

    public static WikitextCorpus FromFiles(string trainPath, string? validationPath)
    {
        if (validationPath is null)
            throw new JomaException("CorpusValidationSplitMissing", JomaErrorKind.InvalidArgument,
                "A training text needs a validation text too (-ValidationPath): every evaluation reports validation loss and entropy.");
        foreach (var path in new[] { trainPath, validationPath })
            if (!File.Exists(path)) throw new JomaException("CorpusNotFound", JomaErrorKind.ObjectNotFound, $"Corpus file '{path}' does not exist.");
        return Checked(new WikitextCorpus(trainPath, validationPath, null));
    }

    static WikitextCorpus Checked(WikitextCorpus corpus)
    {
        foreach (var (name, path) in new[] { ("training", corpus.TrainPath), ("validation", corpus.ValidationPath) })
            if (!Lines(path).Any(line => BasicEnglishTokenizer.Tokenize(line).Length > 0))
                throw new JomaException("CorpusEmpty", JomaErrorKind.InvalidData, $"The {name} text '{path}' holds no tokens.");
        corpus.EncodingWarnings = new[] { corpus.TrainPath, corpus.ValidationPath }.Distinct()
            .Select(p => FirstInvalidUtf8Line(p) is { } line
                ? $"'{p}', line {line}: not valid UTF-8 (binary data, or text in another encoding such as Latin-1). Those bytes become U+FFFD and train as one odd token; convert the file to UTF-8 (iconv -f latin1 -t utf-8)."
                : null)
            .OfType<string>().ToList();
        return corpus;
    }

    /// <summary>The 1-based number of the first line that is not valid UTF-8 or holds a NUL byte (binary); null when the file is clean.</summary>
    public static long? FirstInvalidUtf8Line(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
        var buffer = new byte[1 << 16];
        var pending = new List<byte>();
        long line = 1;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                if (!LineValid(pending, buffer.AsSpan(start, i - start))) return line;
                pending.Clear();
                start = i + 1;
                line++;
            }
            pending.AddRange(buffer.AsSpan(start, read - start).ToArray());
        }
        return pending.Count > 0 && !LineValid(pending, default) ? line : null;
    }

    static bool LineValid(List<byte> head, ReadOnlySpan<byte> tail)
    {
        byte[] bytes = head.Count == 0 ? tail.ToArray() : [.. head, .. tail.ToArray()];
        return bytes.AsSpan().IndexOf((byte)0) < 0 && System.Text.Unicode.Utf8.IsValid(bytes);
    }

    /// <summary>The lines of a split, streamed; a .gz file is decompressed on the fly.</summary>
    public static IEnumerable<string> Lines(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var line in File.ReadLines(path, System.Text.Encoding.UTF8)) yield return line;
            yield break;
        }
        using var file = File.OpenRead(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, System.Text.Encoding.UTF8);
        while (reader.ReadLine() is { } line) yield return line;
    }

    public Vocabulary BuildVocabulary(int minFrequency = 1, int? maxTokens = null) => Vocabulary.Build(Lines(TrainPath), minFrequency, maxTokens);

    public int[] Encode(Vocabulary vocabulary, string path) => vocabulary.Encode(Lines(path));
}
