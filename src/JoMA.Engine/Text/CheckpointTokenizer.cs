using JoMA.Engine.Checkpoints;

namespace JoMA.Engine.Text;

/// <summary>Finds the tokenizer stored with a checkpoint (SCIENCE.md §5): tokenizer.json first, else vocab.json + merges.txt.</summary>
public static class CheckpointTokenizer
{
    /// <summary>Errors: TokenizerMissing (ObjectNotFound), TokenizerInvalid, TokenizerNativeMissing.</summary>
    public static ITextTokenizer Open(string folder, CheckpointConfig config)
    {
        var json = Path.Combine(folder, TokenizerJsonTokenizer.FileName);
        if (File.Exists(json)) return new TokenizerJsonTokenizer(json);
        var vocab = Path.Combine(folder, ByteLevelBpeTokenizer.VocabFileName);
        var merges = Path.Combine(folder, ByteLevelBpeTokenizer.MergesFileName);
        if (File.Exists(vocab) && File.Exists(merges))
        {
            // OPT's tokenizer starts every text with </s> (bos_token_id, 2); GPT-2-style tokenizers of other models add nothing.
            int? bos = config.Architecture == CheckpointArchitecture.Opt ? config.BosTokenId ?? 2 : null;
            return new ByteLevelBpeTokenizer(vocab, merges, bos);
        }
        throw new JomaException("TokenizerMissing", JomaErrorKind.ObjectNotFound,
            $"'{folder}' has no {TokenizerJsonTokenizer.FileName} and no {ByteLevelBpeTokenizer.VocabFileName} + {ByteLevelBpeTokenizer.MergesFileName}. " +
            "Download the tokenizer files with the weights, or pass token ids with -TokenId.");
    }
}
