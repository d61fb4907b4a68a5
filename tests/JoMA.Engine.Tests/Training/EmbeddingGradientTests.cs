using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Training;

public class EmbeddingGradientTests
{
    public EmbeddingGradientTests() => NativeLibraries.EnsureLoaded();

    static TransformerLanguageModel Model(bool tied)
    {
        manual_seed(4);
        var model = new TransformerLanguageModel(new TransformerOptions { VocabularySize = 50, ModelDimension = 16, FeedForwardDimension = 16, Heads = 2, Layers = 1, Dropout = 0, TiedDecoder = tied });
        model.train();
        return model;
    }

    /// <summary>Three steps with gradients set to none in between, different tokens (repeats included) each step.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EqualsAutogradsEmbeddingGradientStepAfterStep(bool tied)
    {
        var reference = Model(tied);
        var scattered = Model(tied);
        using var embeddingGradient = new EmbeddingGradient(scattered.Embedding);
        var generator = new Generator(9);
        Tensor? previous = null;
        for (int step = 0; step < 3; step++)
        {
            var tokens = randint(0, 50 - 20 * (step % 2), new long[] { 7, 3 }, generator: generator);  // step 1 touches fewer rows than step 0
            var targets = randint(0, 50, new long[] { 21 }, generator: generator);
            foreach (var p in reference.parameters().Concat(scattered.parameters())) p.grad = null;

            nn.functional.cross_entropy(reference.forward(tokens).view(-1, 50), targets).backward();
            var hidden = scattered.HiddenFromEmbedded(embeddingGradient.Lookup(tokens));
            nn.functional.cross_entropy(scattered.Decoder.forward(hidden).view(-1, 50), targets).backward();
            embeddingGradient.Accumulate();

            var expected = reference.Embedding.weight!.grad!;
            var actual = scattered.Embedding.weight!.grad!;
            Assert.True(expected.abs().sum().item<float>() > 0);
            Assert.InRange((expected - actual).abs().max().item<float>(), 0, 1e-6);   // stale rows of earlier steps would show here
            if (!tied && previous is not null)                                       // untied: one kept buffer, not a fresh [V, d] each step
                Assert.True(TensorMemory.SameElements(previous, actual));
            previous = actual;
        }
    }
}
