using Microsoft.ML.Tokenizers;

namespace JoMA.Engine.Text;

/// <summary>
/// GPT-2 byte-level BPE from <c>vocab.json</c> + <c>merges.txt</c> (OPT's format), through Microsoft.ML.Tokenizers,
/// with an optional id put in front of every text (OPT's tokenizer prepends &lt;/s&gt;, its bos_token_id 2).
/// </summary>
public sealed class ByteLevelBpeTokenizer : ITextTokenizer
{
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";

    readonly Tokenizer tokenizer;
    readonly int? beginningId;

    public ByteLevelBpeTokenizer(string vocabPath, string mergesPath, int? beginningId)
    {
        try
        {
            using var vocab = File.OpenRead(vocabPath);
            using var merges = File.OpenRead(mergesPath);
            // No prefix space and no automatic BOS/EOS: OPT's own tokenizer adds only the leading </s>, done here explicitly.
            tokenizer = CodeGenTokenizer.Create(vocab, merges, addPrefixSpace: false, addBeginOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            throw new JomaException("TokenizerInvalid", JomaErrorKind.InvalidData,
                $"'{vocabPath}' and '{mergesPath}' could not be read as a byte-level BPE vocabulary ({e.Message}). " +
                "vocab.json must map tokens to ids (including <|endoftext|>) and merges.txt list one merge per line. Re-download them, or pass token ids with -TokenId.", e);
        }
        this.beginningId = beginningId;
        Description = $"{vocabPath} + {Path.GetFileName(mergesPath)}";
    }

    public string Description { get; }

    public int[] Encode(string text)
    {
        var ids = tokenizer.EncodeToIds(text);
        return beginningId is { } bos ? [bos, .. ids] : [.. ids];
    }

    public string Decode(int tokenId) => tokenizer.Decode([tokenId]) ?? "";

    public void Dispose() { }
}
