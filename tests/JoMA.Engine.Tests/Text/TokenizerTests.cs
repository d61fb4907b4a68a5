using JoMA.Engine.Checkpoints;
using JoMA.Engine.Text;

namespace JoMA.Engine.Tests.Text;

public class TokenizerTests
{
    [Fact]
    public void TokenizerJson_WordLevel_EncodesWordsToTheirIds()
    {
        using var folder = new TemporaryFolder();
        using var tokenizer = new TokenizerJsonTokenizer(folder.Write("tokenizer.json", HandMadeTokenizers.WordLevelJson));
        Assert.Equal(new[] { 1, 2, 3, 4, 1, 5, 6 }, tokenizer.Encode("the cat sat on the mat."));
        Assert.Equal(new[] { 1, 0 }, tokenizer.Encode("the dog"));
        Assert.Equal("cat", tokenizer.Decode(2));
    }

    [Fact]
    public void TokenizerJson_Bpe_AppliesMergesByRank()
    {
        using var folder = new TemporaryFolder();
        using var tokenizer = new TokenizerJsonTokenizer(folder.Write("tokenizer.json", HandMadeTokenizers.BpeJson));
        // "abc" → a·b → ab, ab·c → abc (4); "ab" → ab (3); "cab" → c, a·b → ab: [2, 3].
        Assert.Equal(new[] { 4, 3, 2, 3 }, tokenizer.Encode("abc ab cab"));
        Assert.Equal("abc", tokenizer.Decode(4));
    }

    [Fact]
    public void TokenizerJson_Invalid_IsTokenizerInvalid()
    {
        using var folder = new TemporaryFolder();
        var e = Assert.Throws<JomaException>(() => new TokenizerJsonTokenizer(folder.Write("tokenizer.json", "{ \"not\": \"a tokenizer\" }")));
        Assert.Equal("TokenizerInvalid", e.ErrorId);
    }

    [Fact]
    public void ByteLevelBpe_OptPrependsEndOfSentenceAndMergesBytes()
    {
        using var folder = new TemporaryFolder();
        var vocab = folder.Write("vocab.json", HandMadeTokenizers.OptVocabJson);
        var merges = folder.Write("merges.txt", HandMadeTokenizers.OptMerges);
        using var tokenizer = new ByteLevelBpeTokenizer(vocab, merges, beginningId: 2);
        Assert.Equal(new[] { 2, 15, 18, 6, 11 }, tokenizer.Encode("hello world"));
        Assert.Equal(" wor", tokenizer.Decode(18));
        Assert.Equal("hello", tokenizer.Decode(15));
        using var plain = new ByteLevelBpeTokenizer(vocab, merges, beginningId: null);
        Assert.Equal(new[] { 15 }, plain.Encode("hello"));
    }

    [Fact]
    public void CheckpointTokenizer_PrefersTokenizerJson_ThenVocabAndMerges_WithOptBos()
    {
        using var folder = new TemporaryFolder();
        var opt = CheckpointConfig.Read(Path.Combine(FixturePaths.HfReference, "opt_tiny", "config.json"));
        Assert.Equal("TokenizerMissing", Assert.Throws<JomaException>(() => CheckpointTokenizer.Open(folder.Path, opt)).ErrorId);
        folder.Write("vocab.json", HandMadeTokenizers.OptVocabJson);
        folder.Write("merges.txt", HandMadeTokenizers.OptMerges);
        using (var bpe = CheckpointTokenizer.Open(folder.Path, opt))
            Assert.Equal(new[] { 2, 15 }, bpe.Encode("hello")); // OPT's bos_token_id 2 in front
        folder.Write("tokenizer.json", HandMadeTokenizers.WordLevelJson);
        using var json = CheckpointTokenizer.Open(folder.Path, opt);
        Assert.IsType<TokenizerJsonTokenizer>(json);
        Assert.Equal(new[] { 1, 2 }, json.Encode("the cat"));
    }
}
