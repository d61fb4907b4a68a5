namespace JoMA.Engine.Text;

/// <summary>
/// Token strings by id, as the theory pipeline names tokens: a training run's <see cref="Vocabulary"/> (with &lt;unk&gt;) or a
/// pretrained checkpoint's tokens (<see cref="TokenStrings"/>, no unknown token).
/// </summary>
public interface ITokenVocabulary
{
    IReadOnlyList<string> Tokens { get; }
    int Count { get; }
    /// <summary>The id unknown words map to, or −1 when there is none.</summary>
    int UnknownId { get; }
    /// <summary>The token's id when the vocabulary holds it (no fallback to an unknown token).</summary>
    bool TryGetId(string token, out int id);
}

/// <summary>
/// A checkpoint's tokens named for the theory pipeline: the tokenizer's text of each id, or "#&lt;id&gt;" when there is no
/// tokenizer (or the id decodes to nothing). Names are made unique: a text several ids decode to (byte pieces of one
/// character, U+FFFD) gets "#&lt;id&gt;" appended, so each row names exactly one id. No unknown token (<see cref="UnknownId"/> = −1).
/// </summary>
public sealed class TokenStrings : ITokenVocabulary
{
    readonly Dictionary<string, int> ids;

    public TokenStrings(IReadOnlyList<string> tokens)
    {
        ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
            if (!ids.TryAdd(tokens[i], i))
                throw JomaException.Argument("TokenStringsNotUnique", $"Token '{tokens[i]}' is named twice (ids {ids[tokens[i]]} and {i}).");
        Tokens = tokens;
    }

    public IReadOnlyList<string> Tokens { get; }
    public int Count => Tokens.Count;
    public int UnknownId => -1;
    public bool TryGetId(string token, out int id) => ids.TryGetValue(token, out id);

    /// <summary>"#&lt;id&gt;": the name of a token without text.</summary>
    public static string IdName(int id) => $"#{id}";

    /// <summary>Names for ids 0 … <paramref name="count"/> − 1 from a tokenizer (null: "#&lt;id&gt;" for all).</summary>
    public static TokenStrings FromTokenizer(ITextTokenizer? tokenizer, int count)
    {
        var decoded = new string[count];
        for (int id = 0; id < count; id++)
        {
            string? text = null;
            if (tokenizer is not null)
                try { text = tokenizer.Decode(id); }
                catch (Exception e) when (e is not OutOfMemoryException) { text = null; }   // ids past the tokenizer's (padded embedding rows)
            decoded[id] = string.IsNullOrEmpty(text) ? IdName(id) : text;
        }
        var seen = decoded.GroupBy(t => t, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var names = new string[count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int id = 0; id < count; id++)
        {
            var name = seen.Contains(decoded[id]) ? decoded[id] + IdName(id) : decoded[id];
            if (!used.Add(name)) used.Add(name = $"{name}{IdName(id)}");
            names[id] = name;
        }
        return new TokenStrings(names);
    }
}
