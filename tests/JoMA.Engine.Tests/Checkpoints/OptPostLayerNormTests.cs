using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using TorchSharp;
using Xunit.Abstractions;

namespace JoMA.Engine.Tests.Checkpoints;

/// <summary>
/// The OPT-350m layout (do_layer_norm_before false: LayerNorm after each residual add, no final norm;
/// word_embed_proj_dim ≠ hidden_size: project_in/project_out; lm_head tied) has no HF fixture, so the
/// engine is checked against a naive float64 implementation written here in plain loops.
/// </summary>
public class OptPostLayerNormTests(ITestOutputHelper output)
{
    const int Vocab = 50, Hidden = 32, Proj = 16, Heads = 4, Layers = 2, Ffn = 48, MaxPositions = 20;

    [Fact]
    public void PostLayerNormWithProjectionsMatchesNaiveFloat64()
    {
        using var fixture = new DerivedFixture();
        File.WriteAllText(fixture.File_("config.json"), $$"""
            {"model_type":"opt","do_layer_norm_before":false,"_remove_final_layer_norm":false,"activation_function":"relu",
             "hidden_size":{{Hidden}},"word_embed_proj_dim":{{Proj}},"num_attention_heads":{{Heads}},"num_hidden_layers":{{Layers}},
             "ffn_dim":{{Ffn}},"vocab_size":{{Vocab}},"max_position_embeddings":{{MaxPositions}},"enable_bias":true,"torch_dtype":"float32"}
            """);
        var generator = new torch.Generator(1234, torch.CPU);
        var stored = new Dictionary<string, torch.Tensor>();
        void Random(string name, float scale, float offset, params long[] shape) =>
            stored["model.decoder." + name] = torch.randn(shape, generator: generator) * scale + offset;
        Random("embed_tokens.weight", 0.5f, 0, Vocab, Proj);
        Random("embed_positions.weight", 0.5f, 0, MaxPositions + 2, Hidden);
        Random("project_in.weight", 0.3f, 0, Hidden, Proj);
        Random("project_out.weight", 0.3f, 0, Proj, Hidden);
        for (int l = 0; l < Layers; l++)
        {
            var p = $"layers.{l}.";
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj", "out_proj" })
            {
                Random(p + "self_attn." + proj + ".weight", 0.25f, 0, Hidden, Hidden);
                Random(p + "self_attn." + proj + ".bias", 0.1f, 0, Hidden);
            }
            Random(p + "fc1.weight", 0.2f, 0, Ffn, Hidden); Random(p + "fc1.bias", 0.1f, 0, Ffn);
            Random(p + "fc2.weight", 0.2f, 0, Hidden, Ffn); Random(p + "fc2.bias", 0.1f, 0, Hidden);
            foreach (var ln in new[] { "self_attn_layer_norm", "final_layer_norm" })
            {
                Random(p + ln + ".weight", 0.1f, 1, Hidden);
                Random(p + ln + ".bias", 0.1f, 0, Hidden);
            }
        }
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), stored);
        var w = stored.ToDictionary(kv => kv.Key["model.decoder.".Length..], kv => kv.Value.to_type(torch.ScalarType.Float64).data<double>().ToArray());

        var checkpoint = HuggingFaceCheckpoint.Open(fixture.Folder);
        Assert.False(checkpoint.Config.HasFinalLayerNorm);
        Assert.True(checkpoint.Config.HasProjection);
        using var engine = CausalLanguageModel.Load(checkpoint);
        long[] ids = [2, 7, 49, 0, 13, 13, 31, 5, 18, 44, 1];
        using var result = engine.Forward(ids);
        var (logits, hidden, probabilities) = Naive(w, ids.Select(i => (int)i).ToArray());

        double logitError = MaxDiff(result.Logits!, logits), hiddenError = 0, attentionError = 0;
        Assert.Equal(Layers + 1, result.HiddenStates.Count);
        for (int i = 0; i <= Layers; i++) hiddenError = Math.Max(hiddenError, MaxDiff(result.HiddenStates[i], hidden[i]));
        for (int l = 0; l < Layers; l++) attentionError = Math.Max(attentionError, MaxDiff(result.Attentions[l], probabilities[l]));
        output.WriteLine($"OPT-350m layout vs naive float64: logits {logitError:E2}, hidden {hiddenError:E2}, attention {attentionError:E2}");
        Assert.True(logitError <= 1e-4, $"logits {logitError}");
        Assert.True(hiddenError <= 1e-4, $"hidden {hiddenError}");
        Assert.True(attentionError <= 1e-5, $"attention {attentionError}");
    }

    static double MaxDiff(torch.Tensor actual, double[] expected)
    {
        var a = actual.to_type(torch.ScalarType.Float64).contiguous().data<double>().ToArray();
        Assert.Equal(expected.Length, a.Length);
        return a.Zip(expected, (x, y) => Math.Abs(x - y)).Max();
    }

    /// <summary>HF's OPTDecoder with do_layer_norm_before = false, in row-major double arrays ([T·dim]).</summary>
    static (double[] Logits, List<double[]> Hidden, List<double[]> Attention) Naive(Dictionary<string, double[]> w, int[] ids)
    {
        int t = ids.Length, hd = Hidden / Heads;
        var embedded = new double[t * Proj];
        for (int i = 0; i < t; i++) Array.Copy(w["embed_tokens.weight"], ids[i] * Proj, embedded, i * Proj, Proj);
        var x = Linear(embedded, t, Proj, w["project_in.weight"], null, Hidden);
        for (int i = 0; i < t; i++)
            for (int d = 0; d < Hidden; d++) x[i * Hidden + d] += w["embed_positions.weight"][(i + 2) * Hidden + d];
        var hidden = new List<double[]>();
        var attention = new List<double[]>();
        for (int l = 0; l < Layers; l++)
        {
            hidden.Add(x);
            var p = $"layers.{l}.";
            var q = Linear(x, t, Hidden, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"], Hidden);
            var k = Linear(x, t, Hidden, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"], Hidden);
            var v = Linear(x, t, Hidden, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"], Hidden);
            var probs = new double[Heads * t * t];
            var context = new double[t * Hidden];
            for (int h = 0; h < Heads; h++)
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[i + 1];
                    for (int j = 0; j <= i; j++)
                        for (int d = 0; d < hd; d++) scores[j] += q[i * Hidden + h * hd + d] / Math.Sqrt(hd) * k[j * Hidden + h * hd + d];
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j <= i; j++)
                    {
                        double pr = Math.Exp(scores[j] - max) / sum;
                        probs[(h * t + i) * t + j] = pr;
                        for (int d = 0; d < hd; d++) context[i * Hidden + h * hd + d] += pr * v[j * Hidden + h * hd + d];
                    }
                }
            attention.Add(probs);
            var attn = Linear(context, t, Hidden, w[p + "self_attn.out_proj.weight"], w[p + "self_attn.out_proj.bias"], Hidden);
            x = LayerNorm(x.Zip(attn, (a, b) => a + b).ToArray(), t, w[p + "self_attn_layer_norm.weight"], w[p + "self_attn_layer_norm.bias"]);
            var up = Linear(x, t, Hidden, w[p + "fc1.weight"], w[p + "fc1.bias"], Ffn).Select(z => Math.Max(z, 0)).ToArray();
            var down = Linear(up, t, Ffn, w[p + "fc2.weight"], w[p + "fc2.bias"], Hidden);
            x = LayerNorm(x.Zip(down, (a, b) => a + b).ToArray(), t, w[p + "final_layer_norm.weight"], w[p + "final_layer_norm.bias"]);
        }
        var last = Linear(x, t, Hidden, w["project_out.weight"], null, Proj);
        hidden.Add(last);
        var logits = Linear(last, t, Proj, w["embed_tokens.weight"], null, Vocab); // tied lm_head
        return (logits, hidden, attention);
    }

    static double[] Linear(double[] x, int t, int inDim, double[] weight, double[]? bias, int outDim)
    {
        var y = new double[t * outDim];
        for (int i = 0; i < t; i++)
            for (int o = 0; o < outDim; o++)
            {
                double s = bias?[o] ?? 0;
                for (int c = 0; c < inDim; c++) s += weight[o * inDim + c] * x[i * inDim + c];
                y[i * outDim + o] = s;
            }
        return y;
    }

    static double[] LayerNorm(double[] x, int t, double[] gamma, double[] beta)
    {
        var y = new double[x.Length];
        for (int i = 0; i < t; i++)
        {
            var row = x.AsSpan(i * Hidden, Hidden);
            double mean = 0, variance = 0;
            foreach (var z in row) mean += z;
            mean /= Hidden;
            foreach (var z in row) variance += (z - mean) * (z - mean);
            variance /= Hidden;
            for (int d = 0; d < Hidden; d++) y[i * Hidden + d] = (row[d] - mean) / Math.Sqrt(variance + 1e-5) * gamma[d] + beta[d];
        }
        return y;
    }
}
