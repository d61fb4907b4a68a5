using System.Text.Json;
using TorchSharp;

namespace JoMA.Engine.Tests.Checkpoints;

/// <summary>reference.json of an hf-reference fixture, with helpers to compare engine tensors against its nested arrays.</summary>
internal sealed class ReferenceData
{
    readonly JsonElement root;

    public ReferenceData(string model)
    {
        Folder = Path.Combine(FixturePaths.HfReference, model);
        root = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, "reference.json"))).RootElement;
        Inputs = root.GetProperty("inputs").EnumerateArray().Select(s => s.EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToArray();
    }

    public string Folder { get; }
    public long[][] Inputs { get; }

    public JsonElement Attention(int layer, int seq) => root.GetProperty("attentions")[layer][seq];
    public JsonElement Hidden(int index, int seq) => root.GetProperty("hidden_states")[index][seq];
    public JsonElement Logits(int seq) => root.GetProperty("logits")[seq];
    public int HiddenCount => root.GetProperty("hidden_states").GetArrayLength();
    public double EntropyPerLayerPerSeq(int layer, int seq) => root.GetProperty("attention_entropy").GetProperty("per_layer_per_seq")[layer][seq].GetDouble();
    public double EntropyPerHead(int layer, int seq, int head) => root.GetProperty("attention_entropy").GetProperty("per_layer_per_seq_per_head")[layer][seq][head].GetDouble();
    public string Sha256(string file) => root.GetProperty("files").GetProperty(file).GetProperty("sha256").GetString()!;

    public static double[] Flatten(JsonElement e)
    {
        var values = new List<double>();
        void Walk(JsonElement x) { if (x.ValueKind == JsonValueKind.Array) foreach (var c in x.EnumerateArray()) Walk(c); else values.Add(x.GetDouble()); }
        Walk(e);
        return values.ToArray();
    }

    /// <summary>Max |engine − reference|; asserts the shapes agree in element count.</summary>
    public static double MaxAbsDiff(torch.Tensor actual, JsonElement expected)
    {
        var a = actual.to_type(torch.ScalarType.Float64).contiguous().data<double>().ToArray();
        var e = Flatten(expected);
        Assert.Equal(e.Length, a.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - e[i]));
        return max;
    }
}
