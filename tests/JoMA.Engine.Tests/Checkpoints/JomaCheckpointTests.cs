using JoMA.Engine.Checkpoints;
using JoMA.Engine.Metrics;
using JoMA.Engine.Tests.Text;

namespace JoMA.Engine.Tests.Checkpoints;

public class JomaCheckpointTests
{
    static string Fixture(string model) => Path.Combine(FixturePaths.HfReference, model);

    [Fact]
    public void Open_DescribesTheFixtureWithoutLoadingWeights()
    {
        using var checkpoint = JomaCheckpoint.Open(Fixture("gpt_neox_tiny"));
        Assert.Equal(CheckpointArchitecture.GptNeoX, checkpoint.Architecture);
        Assert.Equal((2, 4, 32, 64), (checkpoint.Layers, checkpoint.Heads, checkpoint.HiddenSize, checkpoint.MaxPositions));
        Assert.Equal(new ReferenceData("gpt_neox_tiny").Sha256("model.safetensors"), checkpoint.Sha256["model.safetensors"]);
        Assert.Equal("gpt_neox_tiny", checkpoint.Model);
        Assert.Null(checkpoint.Revision);
        Assert.Null(checkpoint.Step);
        Assert.False(checkpoint.IsLoaded);
    }

    [Fact]
    public void Open_HubSnapshot_TakesModelRevisionAndStep()
    {
        using var cache = new TemporaryFolder();
        var snapshot = Path.Combine(cache.Path, "models--Org--tiny", "snapshots", "abc");
        Directory.CreateDirectory(snapshot);
        foreach (var file in new[] { "config.json", "model.safetensors" }) File.Copy(Path.Combine(Fixture("opt_tiny"), file), Path.Combine(snapshot, file));
        cache.Write("models--Org--tiny/refs/step512", "abc");
        using var checkpoint = JomaCheckpoint.Open(HubCache.Resolve(cache.Path, "Org/tiny", "step512"));
        Assert.Equal(("Org/tiny", "step512", "abc", 512L), (checkpoint.Model, checkpoint.Revision, checkpoint.Commit, checkpoint.Step!.Value));
        Assert.Equal(CheckpointArchitecture.Opt, checkpoint.Architecture);
    }

    [Fact]
    public void DuplicateWeightDetector_NamesEarlierCopiesOnly()
    {
        using var copies = new TemporaryFolder();
        foreach (var step in new[] { "step1", "step2" })
        {
            Directory.CreateDirectory(Path.Combine(copies.Path, step));
            foreach (var file in new[] { "config.json", "model.safetensors" }) File.Copy(Path.Combine(Fixture("gpt_neox_tiny"), file), Path.Combine(copies.Path, step, file));
        }
        var detector = new DuplicateWeightDetector();
        using var first = JomaCheckpoint.Open(Path.Combine(copies.Path, "step1"));
        using var second = JomaCheckpoint.Open(Path.Combine(copies.Path, "step2"));
        using var other = JomaCheckpoint.Open(Fixture("opt_tiny"));
        Assert.Empty(detector.Add(first));
        Assert.Empty(detector.Add(other));
        Assert.Same(first, Assert.Single(detector.Add(second)));
        Assert.True(second.HasSameWeightsAs(first));
        Assert.False(other.HasSameWeightsAs(first));
    }

    [Theory]
    [InlineData(WeightDType.Float16, TorchSharp.torch.ScalarType.Float16)]
    [InlineData(WeightDType.BFloat16, TorchSharp.torch.ScalarType.BFloat16)]
    public void HalfPrecisionWeights_AreHeldHalf_AndStillGiveTheReferenceEntropiesRoughly(WeightDType dtype, TorchSharp.torch.ScalarType expected)
    {
        var reference = new ReferenceData("gpt_neox_tiny");
        using var checkpoint = JomaCheckpoint.Open(Fixture("gpt_neox_tiny"), dtype);
        var model = checkpoint.GetModel(out bool loadedNow);
        Assert.True(loadedNow);
        Assert.Equal(expected, model.Weights["layers.0.mlp.dense_h_to_4h.weight"].dtype);
        Assert.Same(model, checkpoint.GetModel(out loadedNow));
        Assert.False(loadedNow);
        using var output = model.Forward(reference.Inputs[0]);
        // Rounding the weights to 8 (bf16) or 11 (fp16) mantissa bits moves entropies by well under 0.05 nats here.
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 4; h++)
                Assert.InRange(output.Entropies[l].PerHead[h] - reference.EntropyPerHead(l, 0, h), -0.05, 0.05);
    }

    [Fact]
    public void StableRank_OfTheLowerMlpWeight_MatchesPyTorch()
    {
        // Computed with /usr/bin/python3 (torch 1.13.1, Debian): torch.linalg.svdvals(W.double()) of each stored
        // gpt_neox.layers.N.mlp.dense_h_to_4h.weight / model.decoder.layers.N.fc1.weight read from model.safetensors.
        var expected = new Dictionary<string, double[]>
        {
            ["gpt_neox_tiny"] = [11.192258952260104, 11.503169736295394],
            ["opt_tiny"] = [11.813122483208689, 10.641055164788042],
        };
        foreach (var (model, ranks) in expected)
        {
            using var checkpoint = JomaCheckpoint.Open(Fixture(model));
            var rows = CheckpointStableRank.Measure(checkpoint).ToList();
            Assert.Equal(2, rows.Count);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal(l, rows[l].Layer);
                Assert.Equal(model == "opt_tiny" ? "fc1" : "dense_h_to_4h", rows[l].Matrix);
                Assert.Equal(ranks[l], rows[l].StableRank, 1e-9);
            }
        }
    }

    [Theory]
    [InlineData("dense_4h_to_h", "layers.1.mlp.dense_4h_to_h.weight")]
    [InlineData("attention.dense", "layers.1.attention.dense.weight")]
    [InlineData("mlp.dense_h_to_4h.weight", "layers.1.mlp.dense_h_to_4h.weight")]
    public void StableRank_MatrixNames_ResolveToCanonicalWeights(string matrix, string expected)
    {
        using var checkpoint = JomaCheckpoint.Open(Fixture("gpt_neox_tiny"));
        Assert.Equal(expected, CheckpointStableRank.WeightName(checkpoint.Checkpoint.Layout, 1, matrix));
    }

    [Fact]
    public void StableRank_UnknownMatrix_IsMatrixNotFound_BeforeLoading()
    {
        using var checkpoint = JomaCheckpoint.Open(Fixture("opt_tiny"));
        var e = Assert.Throws<JomaException>(() => CheckpointStableRank.Measure(checkpoint, "dense_h_to_4h").ToList());
        Assert.Equal("MatrixNotFound", e.ErrorId);
        Assert.Contains("fc1", e.Message);
        Assert.False(checkpoint.IsLoaded);
    }
}
