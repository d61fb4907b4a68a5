using JoMA.Engine.Text;

namespace JoMA.Engine.Tests.Text;

/// <summary>One case per rule of torchtext's basic_english (expected values as torchtext 0.14 returns them).</summary>
public class BasicEnglishTokenizerTests
{
    [Theory]
    [InlineData("Hello World", new[] { "hello", "world" })]                      // lower-case
    [InlineData("don't", new[] { "don", "'", "t" })]                            // ' → " '  "
    [InlineData("say \"hi\"", new[] { "say", "hi" })]                           // " removed
    [InlineData("end. Next", new[] { "end", ".", "next" })]                     // . split off
    [InlineData("a<br />b", new[] { "a", "b" })]                                // <br /> → space
    [InlineData("a,b", new[] { "a", ",", "b" })]                                // ,
    [InlineData("f(x)", new[] { "f", "(", "x", ")" })]                          // ( )
    [InlineData("wow!", new[] { "wow", "!" })]                                  // !
    [InlineData("why?", new[] { "why", "?" })]                                  // ?
    [InlineData("a;b", new[] { "a", "b" })]                                     // ; → space
    [InlineData("a:b", new[] { "a", "b" })]                                     // : → space
    [InlineData("  many \t spaces\n", new[] { "many", "spaces" })]              // whitespace collapsed
    [InlineData(" = Valkyria Chronicles III = ", new[] { "=", "valkyria", "chronicles", "iii", "=" })]
    [InlineData("1 @,@ 000 <unk>", new[] { "1", "@", ",", "@", "000", "<unk>" })]
    [InlineData("", new string[0])]
    public void FollowsTorchtextRules(string line, string[] expected) => Assert.Equal(expected, BasicEnglishTokenizer.Tokenize(line));
}
