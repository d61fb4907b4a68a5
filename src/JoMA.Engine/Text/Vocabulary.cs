namespace JoMA.Engine.Text;

/// <summary>
/// A token ↔ id map built as torchtext's build_vocab_from_iterator does: specials first (&lt;unk&gt;),
/// then tokens by descending frequency, ties in ordinal string order; unknown tokens map to &lt;unk&gt;.
/// </summary>
public sealed class Vocabulary : ITokenVocabulary
{
    public const string Unknown = "<unk>";
    readonly Dictionary<string, int> ids;

    Vocabulary(IReadOnlyList<string> tokens)
    {
        Tokens = tokens;
        ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++) ids[tokens[i]] = i;
        UnknownId = ids[Unknown];
    }

    public IReadOnlyList<string> Tokens { get; }
    public int Count => Tokens.Count;
    public int UnknownId { get; }

    public int this[string token] => ids.TryGetValue(token, out var id) ? id : UnknownId;

    /// <summary>The token's id when the vocabulary holds it (no fallback to &lt;unk&gt;).</summary>
    public bool TryGetId(string token, out int id) => ids.TryGetValue(token, out id);

    /// <summary>Counts tokens over lines (streamed, never held whole) and builds the vocabulary.</summary>
    public static Vocabulary Build(IEnumerable<string> lines, int minFrequency = 1, int? maxTokens = null)
    {
        if (minFrequency < 1) throw JomaException.Argument("MinFrequencyInvalid", $"-MinFrequency must be 1 or more (got {minFrequency}).");
        if (maxTokens is < 1) throw JomaException.Argument("MaxVocabularyInvalid", $"-MaxVocabulary must be 1 or more (got {maxTokens}).");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
            foreach (var token in BasicEnglishTokenizer.Tokenize(line))
                counts[token] = counts.GetValueOrDefault(token) + 1;
        counts.Remove(Unknown);
        var ordered = counts.Where(kv => kv.Value >= minFrequency)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key);
        if (maxTokens is { } max) ordered = ordered.Take(max - 1); // the special counts towards the maximum, as in torchtext
        return new Vocabulary(new[] { Unknown }.Concat(ordered).ToList());
    }

    /// <summary>Restores a vocabulary saved with <see cref="Save"/> (one token per line, id = line number).</summary>
    public static Vocabulary Load(string path)
    {
        var tokens = File.ReadAllLines(path);
        if (tokens.Length == 0 || !tokens.Contains(Unknown))
            throw new JomaException("VocabularyInvalid", JomaErrorKind.InvalidData, $"'{path}' is not a saved vocabulary (empty, or no {Unknown} entry).");
        return new Vocabulary(tokens);
    }

    /// <summary>Writes one token per line (id = line number), via a temporary file so a crash leaves no half-written file.</summary>
    public void Save(string path)
    {
        FileWrites.WriteAtomically(path, temp => File.WriteAllLines(temp, Tokens));
    }

    /// <summary>Ids of a whole text, streamed line by line; empty lines contribute nothing (as the reference drops them).</summary>
    public int[] Encode(IEnumerable<string> lines)
    {
        var ids = new List<int>();
        foreach (var line in lines)
            foreach (var token in BasicEnglishTokenizer.Tokenize(line)) ids.Add(this[token]);
        return ids.ToArray();
    }
}
