namespace JoMA.Engine.Tests.Text;

/// <summary>Tokenizer files written by hand, small enough that every expected id can be worked out on paper.</summary>
internal static class HandMadeTokenizers
{
    /// <summary>WordLevel over whitespace-split words; unknown words become [UNK] (0).</summary>
    public const string WordLevelJson = """
        {
          "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
          "normalizer": null, "pre_tokenizer": { "type": "Whitespace" }, "post_processor": null, "decoder": null,
          "model": { "type": "WordLevel", "vocab": { "[UNK]": 0, "the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5, ".": 6 }, "unk_token": "[UNK]" }
        }
        """;

    /// <summary>BPE with two merges: "a b" (rank 0) then "ab c" (rank 1).</summary>
    public const string BpeJson = """
        {
          "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
          "normalizer": null, "pre_tokenizer": { "type": "Whitespace" }, "post_processor": null, "decoder": null,
          "model": { "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null,
                     "fuse_unk": false, "byte_fallback": false,
                     "vocab": { "a": 0, "b": 1, "c": 2, "ab": 3, "abc": 4 }, "merges": [ "a b", "ab c" ] }
        }
        """;

    /// <summary>
    /// GPT-2 byte-level BPE (OPT's vocab.json layout: &lt;s&gt; 0, &lt;pad&gt; 1, &lt;/s&gt; 2, &lt;unk&gt; 3). A space is the byte char 'Ġ'.
    /// "hello" merges h·e → he, l·l → ll, he·ll → hell, hell·o → hello (15); " world" merges Ġ·w → Ġw, o·r → or,
    /// Ġw·or → Ġwor (18) and stops, leaving l (6), d (11).
    /// </summary>
    public const string OptVocabJson = """
        { "<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "h": 4, "e": 5, "l": 6, "o": 7, "Ġ": 8, "w": 9, "r": 10, "d": 11,
          "he": 12, "ll": 13, "hell": 14, "hello": 15, "Ġw": 16, "or": 17, "Ġwor": 18, "<|endoftext|>": 19 }
        """;

    public const string OptMerges = "#version: 0.2\nh e\nl l\nhe ll\nhell o\nĠ w\no r\nĠw or\n";
}
