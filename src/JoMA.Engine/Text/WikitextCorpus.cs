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
        return corpus;
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
