using System.Text.RegularExpressions;

namespace JoMA.Engine.Text;

/// <summary>
/// torchtext's `basic_english` tokenizer, rule for rule (SCIENCE.md §4): lower-case, then in this order
/// ' → " '  ", " → "", . → " . ", &lt;br /&gt; → " ", , → " , ", ( → " ( ", ) → " ) ", ! → " ! ", ? → " ? ",
/// ; → " ", : → " ", then split on whitespace. Written here because no .NET tokenizer library implements
/// these exact rules, and the paper's vocabulary (and so its results) depends on them.
/// </summary>
public static class BasicEnglishTokenizer
{
    static readonly (Regex Pattern, string Replacement)[] Rules =
    {
        (new Regex("'", RegexOptions.Compiled), " '  "),
        (new Regex("\"", RegexOptions.Compiled), ""),
        (new Regex(@"\.", RegexOptions.Compiled), " . "),
        (new Regex("<br />", RegexOptions.Compiled), " "),
        (new Regex(",", RegexOptions.Compiled), " , "),
        (new Regex(@"\(", RegexOptions.Compiled), " ( "),
        (new Regex(@"\)", RegexOptions.Compiled), " ) "),
        (new Regex("!", RegexOptions.Compiled), " ! "),
        (new Regex(@"\?", RegexOptions.Compiled), " ? "),
        (new Regex(";", RegexOptions.Compiled), " "),
        (new Regex(":", RegexOptions.Compiled), " "),
    };

    static readonly char[] Whitespace = { ' ', '\t', '\n', '\r', '\f', '\v' };

    public static string[] Tokenize(string line)
    {
        // Python's str.lower() is culture-independent: so is ToLowerInvariant.
        var text = line.ToLowerInvariant();
        foreach (var (pattern, replacement) in Rules) text = pattern.Replace(text, replacement);
        return text.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries);
    }
}
