using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using TorchSharp;
using Xunit.Abstractions;

namespace JoMA.Engine.Tests.Checkpoints;

/// <summary>Variants real uploads come in (fp16/bf16, shards, other key prefixes, stale buffers), derived from the reference fixtures with the project's writer.</summary>
public class DerivedCheckpointTests(ITestOutputHelper output)
{
    [Theory]
    // Weights rounded to fp16 (11-bit mantissa) or bf16 (8-bit) move outputs by about |w|·2^-11 or 2^-8 relative.
    [InlineData("gpt_neox_tiny", torch.ScalarType.Float16, "float16", 3e-3, 3e-2)]
    [InlineData("opt_tiny", torch.ScalarType.Float16, "float16", 3e-3, 3e-2)]
    [InlineData("gpt_neox_tiny", torch.ScalarType.BFloat16, "bfloat16", 2.5e-2, 2.5e-1)]
    [InlineData("opt_tiny", torch.ScalarType.BFloat16, "bfloat16", 2.5e-2, 2.5e-1)]
    public void HalfPrecisionCopiesLoadAsFloat32OrStayHalf(string model, torch.ScalarType dtype, string dtypeName, double probabilityTolerance, double activationTolerance)
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig(model);
        var stored = DerivedFixture.StoredTensors(model);
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), stored.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.to_type(dtype))));
        var checkpoint = HuggingFaceCheckpoint.Open(fixture.Folder);
        Assert.Equal(dtypeName, checkpoint.DType);
        using (var kept = checkpoint.LoadWeights(keepStoredDType: true))
            Assert.All(kept.Names, n => Assert.Equal(dtype, kept[n].dtype));
        using var engine = CausalLanguageModel.Load(checkpoint);
        var errors = ReferenceForwardTests.CompareWithReference(engine, new ReferenceData(model), probabilityTolerance, activationTolerance);
        output.WriteLine($"{model} {dtypeName}: {errors}");
    }

    [Theory]
    [InlineData("gpt_neox_tiny")]
    [InlineData("opt_tiny")]
    public void ShardedCopyWithIndexLoads(string model)
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig(model);
        var shards = SafetensorsWriter.WriteSharded(fixture.Folder, DerivedFixture.StoredTensors(model), 3);
        var checkpoint = HuggingFaceCheckpoint.Open(fixture.Folder);
        Assert.Equal(shards.Count, checkpoint.WeightFiles.Count);
        Assert.All(checkpoint.WeightFiles, f => Assert.Equal(64, f.Sha256.Length));
        using var engine = CausalLanguageModel.Load(checkpoint);
        ReferenceForwardTests.CompareWithReference(engine, new ReferenceData(model), ReferenceForwardTests.ProbabilityTolerance, ReferenceForwardTests.ActivationTolerance);
    }

    [Fact]
    public void OptWithoutModelPrefixAndWithoutLmHeadTiesTheHead()
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("opt_tiny");
        var renamed = DerivedFixture.StoredTensors("opt_tiny")
            .Where(kv => kv.Key != "lm_head.weight")
            .Select(kv => KeyValuePair.Create(kv.Key.StartsWith("model.") ? kv.Key["model.".Length..] : kv.Key, kv.Value)).ToList();
        Assert.All(renamed, kv => Assert.StartsWith("decoder.", kv.Key));
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), renamed);
        using var engine = CausalLanguageModel.Load(HuggingFaceCheckpoint.Open(fixture.Folder));
        ReferenceForwardTests.CompareWithReference(engine, new ReferenceData("opt_tiny"), ReferenceForwardTests.ProbabilityTolerance, ReferenceForwardTests.ActivationTolerance);
    }

    [Fact]
    public void StaleBuffersAreIgnored()
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("gpt_neox_tiny");
        var tensors = DerivedFixture.StoredTensors("gpt_neox_tiny");
        for (int l = 0; l < 2; l++)
        {
            tensors.Add(KeyValuePair.Create($"gpt_neox.layers.{l}.attention.bias", torch.ones(1, 1, 64, 64, torch.ScalarType.Bool).tril()));
            tensors.Add(KeyValuePair.Create($"gpt_neox.layers.{l}.attention.masked_bias", torch.tensor(-1e9f)));
            tensors.Add(KeyValuePair.Create($"gpt_neox.layers.{l}.attention.rotary_emb.inv_freq", torch.ones(1)));
        }
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), tensors);
        using var engine = CausalLanguageModel.Load(HuggingFaceCheckpoint.Open(fixture.Folder));
        Assert.Empty(engine.Warnings);
        ReferenceForwardTests.CompareWithReference(engine, new ReferenceData("gpt_neox_tiny"), ReferenceForwardTests.ProbabilityTolerance, ReferenceForwardTests.ActivationTolerance);
    }

    [Fact]
    public void NaNWeightsGiveAWarningNotAnError()
    {
        using var fixture = new DerivedFixture();
        fixture.CopyConfig("gpt_neox_tiny");
        var tensors = DerivedFixture.StoredTensors("gpt_neox_tiny");
        var index = tensors.FindIndex(kv => kv.Key == "gpt_neox.layers.1.mlp.dense_h_to_4h.bias");
        var poisoned = tensors[index].Value.clone();
        poisoned[3] = torch.tensor(float.NaN);
        tensors[index] = KeyValuePair.Create(tensors[index].Key, poisoned);
        SafetensorsWriter.Write(fixture.File_("model.safetensors"), tensors);
        using var weights = HuggingFaceCheckpoint.Open(fixture.Folder).LoadWeights();
        var warning = Assert.Single(weights.Warnings);
        Assert.Contains("layers.1.mlp.dense_h_to_4h.bias", warning);
        Assert.Contains("NaN", warning);
    }
}
