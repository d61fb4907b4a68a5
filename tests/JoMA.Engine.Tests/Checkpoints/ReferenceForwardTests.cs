using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using Xunit.Abstractions;

namespace JoMA.Engine.Tests.Checkpoints;

/// <summary>The engine's forward passes against Hugging Face's own float64 outputs (shared/fixtures/hf-reference).</summary>
public class ReferenceForwardTests(ITestOutputHelper output)
{
    public const double ProbabilityTolerance = 1e-5;
    public const double ActivationTolerance = 1e-4;

    [Theory]
    [InlineData("gpt_neox_tiny", CheckpointWeightFormat.Safetensors)]
    [InlineData("gpt_neox_tiny", CheckpointWeightFormat.PyTorchBin)]
    [InlineData("opt_tiny", CheckpointWeightFormat.Safetensors)]
    [InlineData("opt_tiny", CheckpointWeightFormat.PyTorchBin)]
    public void ForwardMatchesHuggingFace(string model, CheckpointWeightFormat format)
    {
        var reference = new ReferenceData(model);
        var checkpoint = HuggingFaceCheckpoint.Open(reference.Folder, format);
        Assert.Equal(format, checkpoint.WeightFormat);
        using var engine = CausalLanguageModel.Load(checkpoint);
        Assert.Empty(engine.Warnings);
        var errors = CompareWithReference(engine, reference, ProbabilityTolerance, ActivationTolerance);
        output.WriteLine($"{model} {format}: max |Δ| attentions {errors.Attention:E2}, hidden {errors.Hidden:E2}, logits {errors.Logits:E2}, entropy {errors.Entropy:E2}");
    }

    [Theory]
    [InlineData("gpt_neox_tiny")]
    [InlineData("opt_tiny")]
    public void EntropiesOnlyKeepsNoMapsAndAgrees(string model)
    {
        var reference = new ReferenceData(model);
        using var engine = CausalLanguageModel.Load(HuggingFaceCheckpoint.Open(reference.Folder));
        for (int s = 0; s < reference.Inputs.Length; s++)
        {
            using var result = engine.Forward(reference.Inputs[s], ForwardOptions.EntropiesOnly);
            Assert.Empty(result.Attentions);
            Assert.Empty(result.HiddenStates);
            Assert.Equal(engine.Config.Layers, result.Entropies.Count);
            for (int l = 0; l < result.Entropies.Count; l++)
                Assert.InRange(Math.Abs(result.Entropies[l].Mean - reference.EntropyPerLayerPerSeq(l, s)), 0, ProbabilityTolerance);
        }
    }

    [Theory]
    [InlineData("gpt_neox_tiny", CheckpointArchitecture.GptNeoX, "float32")]
    [InlineData("opt_tiny", CheckpointArchitecture.Opt, "float32")]
    public void OpeningDescribesTheCheckpoint(string model, CheckpointArchitecture architecture, string dtype)
    {
        var reference = new ReferenceData(model);
        foreach (var format in new[] { CheckpointWeightFormat.Safetensors, CheckpointWeightFormat.PyTorchBin })
        {
            var checkpoint = HuggingFaceCheckpoint.Open(reference.Folder, format);
            Assert.Equal(architecture, checkpoint.Architecture);
            Assert.Equal(2, checkpoint.Layers);
            Assert.Equal(4, checkpoint.Heads);
            Assert.Equal(32, checkpoint.HiddenSize);
            Assert.Equal(dtype, checkpoint.DType);
            var file = Assert.Single(checkpoint.WeightFiles);
            Assert.Equal(reference.Sha256(file.FileName), file.Sha256);
        }
        // Parameter count = the numel of every distinct tensor (HF's num_parameters), counted from the safetensors header.
        var header = SafetensorsFile.Open(Path.Combine(reference.Folder, "model.safetensors"));
        Assert.Equal(header.Tensors.Sum(t => t.ElementCount), HuggingFaceCheckpoint.Open(reference.Folder).Parameters);
    }

    internal readonly record struct MaxErrors(double Attention, double Hidden, double Logits, double Entropy);

    /// <summary>Runs every reference input and asserts each output within tolerance; returns the max errors seen.</summary>
    internal static MaxErrors CompareWithReference(ICausalLanguageModel engine, ReferenceData reference, double probabilityTolerance, double activationTolerance)
    {
        double attention = 0, hidden = 0, logits = 0, entropy = 0;
        for (int s = 0; s < reference.Inputs.Length; s++)
        {
            using var result = engine.Forward(reference.Inputs[s]);
            Assert.Equal(engine.Config.Layers, result.Attentions.Count);
            Assert.Equal(reference.HiddenCount, result.HiddenStates.Count);
            for (int l = 0; l < engine.Config.Layers; l++)
            {
                attention = Math.Max(attention, ReferenceData.MaxAbsDiff(result.Attentions[l], reference.Attention(l, s)));
                entropy = Math.Max(entropy, Math.Abs(result.Entropies[l].Mean - reference.EntropyPerLayerPerSeq(l, s)));
                for (int h = 0; h < engine.Config.Heads; h++)
                    entropy = Math.Max(entropy, Math.Abs(result.Entropies[l].PerHead[h] - reference.EntropyPerHead(l, s, h)));
            }
            for (int i = 0; i < result.HiddenStates.Count; i++)
                hidden = Math.Max(hidden, ReferenceData.MaxAbsDiff(result.HiddenStates[i], reference.Hidden(i, s)));
            logits = Math.Max(logits, ReferenceData.MaxAbsDiff(result.Logits!, reference.Logits(s)));
        }
        Assert.True(attention <= probabilityTolerance, $"attention max |Δ| {attention}");
        Assert.True(entropy <= probabilityTolerance, $"entropy max |Δ| {entropy}");
        Assert.True(hidden <= activationTolerance, $"hidden max |Δ| {hidden}");
        Assert.True(logits <= activationTolerance, $"logits max |Δ| {logits}");
        return new MaxErrors(attention, hidden, logits, entropy);
    }
}
