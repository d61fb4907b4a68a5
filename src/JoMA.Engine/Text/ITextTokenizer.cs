namespace JoMA.Engine.Text;

/// <summary>Turns text into a checkpoint's token ids and ids back into the text of each token.</summary>
public interface ITextTokenizer : IDisposable
{
    /// <summary>Which files it was built from (for -Verbose and error messages).</summary>
    string Description { get; }
    /// <summary>The ids of <paramref name="text"/>, with whatever the model expects in front (OPT: &lt;/s&gt;).</summary>
    int[] Encode(string text);
    /// <summary>The text of one token (byte-level pieces are decoded; a partial UTF-8 sequence shows as U+FFFD).</summary>
    string Decode(int tokenId);
}
