using JoMA.Engine.Native;
using JoMA.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Training;

public class DecoderCrossEntropyTests
{
    public DecoderCrossEntropyTests() => NativeLibraries.EnsureLoaded();

    /// <summary>
    /// One case on both paths: a leaf a [N, d] → hidden = tanh(a) (a graph for the backward to run through), a decoder
    /// Linear(d, V) with V = 1003 (whole vectors and a scalar tail), random targets. Returns loss and every gradient.
    /// </summary>
    static (double Loss, Tensor A, Tensor W, Tensor B) Run(bool fused, bool withBias = true, bool preexistingGrad = false)
    {
        var generator = new Generator(5);
        var a = randn(new long[] { 37, 16 }, generator: generator).requires_grad_();
        var decoder = nn.Linear(16, 1003, hasBias: withBias);
        using (no_grad())
        {
            decoder.weight!.copy_(randn(new long[] { 1003, 16 }, generator: generator) * 2);
            decoder.bias?.copy_(randn(new long[] { 1003 }, generator: generator));
        }
        if (preexistingGrad) decoder.weight!.grad = ones_like(decoder.weight);
        var targets = randint(0, 1003, new long[] { 37 }, generator: generator);
        var hidden = a.tanh();
        double loss;
        if (fused) { using var decoderLoss = new DecoderCrossEntropy(); loss = decoderLoss.Backward(hidden, decoder, targets); }
        else
        {
            var l = nn.functional.cross_entropy(decoder.forward(hidden), targets);
            l.backward();
            loss = l.item<float>();
        }
        return (loss, a.grad!, decoder.weight!.grad!, withBias ? decoder.bias!.grad! : zeros(1));
    }

    static double MaxRelative(Tensor x, Tensor y) => ((x - y).abs().max() / y.abs().max()).item<float>();

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void MatchesAutogradsLinearAndCrossEntropy(bool withBias, bool preexistingGrad)
    {
        var reference = Run(fused: false, withBias, preexistingGrad);
        var fused = Run(fused: true, withBias, preexistingGrad);
        Assert.InRange(reference.Loss, 3, 30); // a real loss (ln 1003 ≈ 6.9 for a uniform guess), not a degenerate one
        Assert.Equal(reference.Loss, fused.Loss, 1e-5);
        Assert.InRange(MaxRelative(fused.A, reference.A), 0, 1e-5);
        Assert.InRange(MaxRelative(fused.W, reference.W), 0, 1e-5);
        if (withBias) Assert.InRange(MaxRelative(fused.B, reference.B), 0, 1e-5);
    }

    [Fact]
    public void RejectsTargetsOutsideTheVocabulary()
    {
        var decoder = nn.Linear(4, 10);
        var hidden = randn(3, 4).requires_grad_();
        using var decoderLoss = new DecoderCrossEntropy();
        var error = Assert.Throws<JomaException>(() => decoderLoss.Backward(hidden, decoder, tensor(new long[] { 1, 10, 2 })));
        Assert.Equal("TargetOutOfRange", error.ErrorId);
    }
}
