namespace JoMA.Engine.Text;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> (Pythia's format) run by the Rust tokenizers library through
/// Tokenizers.DotNet; its native libhf_tokenizers.so is published beside the module.
/// </summary>
public sealed class TokenizerJsonTokenizer : ITextTokenizer
{
    public const string FileName = "tokenizer.json";

    readonly Tokenizers.DotNet.Tokenizer tokenizer;

    public TokenizerJsonTokenizer(string path)
    {
        try { tokenizer = new Tokenizers.DotNet.Tokenizer(path); }
        catch (Tokenizers.DotNet.TokenizerException e)
        {
            throw new JomaException("TokenizerInvalid", JomaErrorKind.InvalidData,
                $"'{path}' could not be read as a Hugging Face tokenizer.json ({e.Message}). Re-download it, or pass token ids with -TokenId.", e);
        }
        catch (DllNotFoundException e)
        {
            throw new JomaException("TokenizerNativeMissing", JomaErrorKind.ResourceUnavailable,
                $"The native tokenizers library (libhf_tokenizers) could not be loaded: {e.Message}. Reinstall the module, or pass token ids with -TokenId.", e);
        }
        Description = path;
    }

    public string Description { get; }

    public int[] Encode(string text)
    {
        try { return tokenizer.Encode(text).Select(id => checked((int)id)).ToArray(); }
        catch (Tokenizers.DotNet.TokenizerException e)
        {
            throw new JomaException("TokenizerFailed", JomaErrorKind.InvalidData, $"'{Description}' could not encode the text ({e.Message}).", e);
        }
    }

    public string Decode(int tokenId) => tokenizer.Decode([checked((uint)tokenId)]);

    public void Dispose() => tokenizer.Dispose();
}
