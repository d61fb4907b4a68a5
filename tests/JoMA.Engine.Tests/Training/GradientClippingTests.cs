using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Training;

public class GradientClippingTests
{
    public GradientClippingTests() => NativeLibraries.EnsureLoaded();

    /// <summary>Two copies of three parameters (one past a parallel chunk) with the same gradients, of total norm about 450.</summary>
    static (Parameter[] A, Parameter[] B) Twins(float gradientSize)
    {
        var generator = new Generator(21);
        var shapes = new[] { new long[] { 200_003 }, new long[] { 40, 5 }, new long[] { 13 } };
        var a = shapes.Select(s => new Parameter(randn(s, generator: generator))).ToArray();
        var b = a.Select(p => new Parameter(p.detach().clone())).ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            var g = randn(a[i].shape, generator: generator) * gradientSize;
            a[i].grad = g.clone();
            b[i].grad = g.clone();
        }
        return (a, b);
    }

    [Theory]
    [InlineData(1f)]     // norm ≈ 450 > 0.5: clipped
    [InlineData(1e-4f)]  // norm ≈ 0.045 < 0.5: coefficient 1
    public void FusedIntoAdamMatchesClipGradNormThenAdam(float gradientSize)
    {
        var (reference, fused) = Twins(gradientSize);
        using var referenceAdam = new FusedAdam(reference, 1e-3);
        using var fusedAdam = new FusedAdam(fused, 1e-3);
        double expectedNorm = nn.utils.clip_grad_norm_(reference, 0.5);
        double norm = GradientClipping.Clip(fused, 0.5, fusedAdam);
        Assert.InRange(Math.Abs(norm - expectedNorm) / expectedNorm, 0, 1e-5);            // libtorch sums in float, this in double across chunks
        Assert.InRange(norm, gradientSize * 400, gradientSize * 500);
        if (gradientSize == 1f) Assert.InRange(fusedAdam.GradientScale, 1e-3f, 1.3e-3f);  // 0.5 / ‖g‖, kept for the step
        else Assert.Equal(1f, fusedAdam.GradientScale);
        referenceAdam.step();
        fusedAdam.step();
        Assert.Equal(1f, fusedAdam.GradientScale);                   // one step only
        // The coefficient may differ from libtorch's in its last bit (another summation order): parameters agree to an ulp.
        for (int i = 0; i < reference.Length; i++) Assert.InRange((reference[i] - fused[i]).abs().max().item<float>(), 0, 5e-7);
    }

    [Fact]
    public void OtherOptimizersGetTheGradientsClippedInPlaceAsLibtorchDoes()
    {
        var (reference, clipped) = Twins(1f);
        using var sgd = optim.SGD(clipped, 0.1);
        nn.utils.clip_grad_norm_(reference, 0.5);
        GradientClipping.Clip(clipped, 0.5, sgd);
        var total = sqrt(stack(clipped.Select(p => p.grad!.square().sum())).sum()).item<float>();
        Assert.Equal(0.5, total, 4);
        for (int i = 0; i < reference.Length; i++) Assert.InRange((reference[i].grad! - clipped[i].grad!).abs().max().item<float>(), 0, 1e-8);
    }

    [Fact]
    public void GivenTheEmbeddingGradientTheNormReadsOnlyTheRowsTheStepWrote()
    {
        manual_seed(5);
        var model = new TransformerLanguageModel(new TransformerOptions { VocabularySize = 50, ModelDimension = 16, FeedForwardDimension = 16, Heads = 2, Layers = 1, Dropout = 0 });
        model.train();
        using var embeddingGradient = new EmbeddingGradient(model.Embedding);
        var generator = new Generator(3);
        var tokens = randint(0, 40, new long[] { 7, 3 }, generator: generator);            // rows 40–49 untouched; repeats likely
        var targets = randint(0, 50, new long[] { 21 }, generator: generator);
        var hidden = model.HiddenFromEmbedded(embeddingGradient.Lookup(tokens));
        nn.functional.cross_entropy(model.Decoder.forward(hidden).view(-1, 50), targets).backward();
        embeddingGradient.Accumulate();
        double dense = Math.Sqrt(model.parameters().Sum(p => p.grad!.to_type(ScalarType.Float64).square().sum().item<double>()));
        Assert.True(dense > 0);

        using var adam = new FusedAdam(model.parameters(), 1e-3);
        double norm = GradientClipping.Clip(model.parameters(), 0.5, adam, embeddingGradient);
        Assert.InRange(Math.Abs(norm - dense) / dense, 0, 1e-6);

        // A value planted in a row the step did not write: the full pass counts it, the row pass does not read it.
        using (no_grad()) model.Embedding.weight!.grad![45].fill_(3f);                   // 16 elements of 3: adds 144 to Σg²
        Assert.Equal(norm, GradientClipping.Clip(model.parameters(), 0.5, adam, embeddingGradient));
        Assert.InRange(GradientClipping.Clip(model.parameters(), 0.5, adam), Math.Sqrt(dense * dense + 144) * (1 - 1e-6), Math.Sqrt(dense * dense + 144) * (1 + 1e-6));
    }
}
