using JoMA.Engine.Metrics;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Tests.Models;

public class TransformerLanguageModelTests
{
    public TransformerLanguageModelTests() => NativeLibraries.EnsureLoaded();

    /// <summary>The hand-written attention against a naive float64 loop over batch, head, query and key.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void AttentionMatchesNaiveFloat64(int heads)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        const int t = 7, b = 2, d = 8;
        var attention = new CausalSelfAttention("attn", d, heads, dropout: 0.0) { CaptureProbabilities = true };
        attention.eval();
        using (no_grad())
            foreach (var p in attention.parameters()) p.copy_(randn_like(p) * 0.5); // non-trivial biases too
        var x = randn(t, b, d);
        Tensor output;
        using (no_grad()) output = attention.forward(x);

        var state = attention.state_dict();
        double[] Flat(Tensor tensor) => tensor.to_type(ScalarType.Float64).data<double>().ToArray();
        var w = Flat(state["in_proj_weight"]); var bias = Flat(state["in_proj_bias"]);
        var wo = Flat(state["out_proj.weight"]); var bo = Flat(state["out_proj.bias"]);
        var xs = Flat(x);
        int hd = d / heads;
        double X(int ti, int bi, int i) => xs[(ti * b + bi) * d + i];
        double Project(int row, int ti, int bi) { double s = bias[row]; for (int i = 0; i < d; i++) s += w[row * d + i] * X(ti, bi, i); return s; }
        var actualProbabilities = Flat(attention.LastProbabilities!);                // [B, H, T, T]
        var actualOutput = Flat(output);
        for (int bi = 0; bi < b; bi++)
        {
            var context = new double[t, d];
            for (int h = 0; h < heads; h++)
                for (int q = 0; q < t; q++)
                {
                    var scores = new double[q + 1];
                    for (int k = 0; k <= q; k++)
                        for (int j = 0; j < hd; j++)
                            scores[k] += Project(h * hd + j, q, bi) * Project(d + h * hd + j, k, bi) / Math.Sqrt(hd);
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int k = 0; k < t; k++)
                    {
                        double p = k <= q ? Math.Exp(scores[k] - max) / sum : 0;
                        Assert.Equal(p, actualProbabilities[((bi * heads + h) * t + q) * t + k], 1e-5);
                        if (k <= q)
                            for (int j = 0; j < hd; j++) context[q, h * hd + j] += p * Project(2 * d + h * hd + j, k, bi);
                    }
                }
            for (int q = 0; q < t; q++)
                for (int o = 0; o < d; o++)
                {
                    double s = bo[o];
                    for (int i = 0; i < d; i++) s += wo[o * d + i] * context[q, i];
                    Assert.Equal(s, actualOutput[(q * b + bi) * d + o], 1e-5);
                }
        }
    }

    [Fact]
    public void CausalRowsSumToOneAndHideTheFuture()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = new TransformerLanguageModel(new TransformerOptions { VocabularySize = 50, ModelDimension = 16, FeedForwardDimension = 16, Heads = 2, Layers = 2 });
        model.eval();
        model.CaptureAttention = true;
        using (no_grad()) model.forward(randint(0, 50, new long[] { 9, 3 }));
        foreach (var block in model.Blocks)
        {
            var p = block.Attention.LastProbabilities!;                                   // [B, H, T, T]
            Assert.Equal(new long[] { 3, 2, 9, 9 }, p.shape);
            Assert.True(p.sum(-1).sub(1).abs().max().item<float>() < 1e-5);
            Assert.Equal(0, p.triu(1).abs().max().item<float>());
        }
    }

    /// <summary>At initialisation attention is nearly uniform, so the layer entropy starts near (1/35)·Σ ln i = 2.632 (computed, not typed in).</summary>
    [Fact]
    public void EntropyAtInitialisationIsNearUniformCausal()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        const int bptt = 35;
        using var model = new TransformerLanguageModel(new TransformerOptions { VocabularySize = 1000, Layers = 2 });
        model.eval();
        model.CaptureAttention = true;
        using (no_grad()) model.forward(randint(0, 1000, new long[] { bptt, 20 }));
        double uniform = AttentionMapAccumulator.CausalMaxEntropySum(bptt) / bptt;
        foreach (var block in model.Blocks)
        {
            var accumulator = new AttentionMapAccumulator(0, 1);
            accumulator.Add(block.Attention.LastProbabilities!);
            var entropy = accumulator.Result().HeadAveraged.Entropy;
            Assert.InRange(entropy, uniform - 0.15, uniform + 1e-9);
        }
    }

    [Fact]
    public void ReferenceShapesAndInitialisation()
    {
        using var scope = NewDisposeScope();
        using var model = new TransformerLanguageModel(new TransformerOptions { VocabularySize = 300 });
        var state = model.state_dict();
        Assert.Equal(new long[] { 300, 200 }, state["encoder.weight"].shape);
        Assert.Equal(new long[] { 600, 200 }, state["layers.0.self_attn.in_proj_weight"].shape);
        Assert.Equal(new long[] { 200, 200 }, state["layers.1.linear1.weight"].shape);
        Assert.True(state["encoder.weight"].abs().max().item<float>() <= 0.1f);
        Assert.True(state["decoder.weight"].abs().max().item<float>() <= 0.1f);
        Assert.Equal(0, state["decoder.bias"].abs().max().item<float>());
        Assert.Equal(0, state["layers.0.self_attn.in_proj_bias"].abs().max().item<float>());
        using var tied = new TransformerLanguageModel(new TransformerOptions { VocabularySize = 30, ModelDimension = 8, FeedForwardDimension = 8, TiedDecoder = true });
        var tiedState = tied.state_dict();
        using (no_grad()) tiedState["encoder.weight"][0, 0] = 5.0f;             // one storage: a write shows through both names
        Assert.Equal(5.0f, tiedState["decoder.weight"][0, 0].item<float>());
    }
}
