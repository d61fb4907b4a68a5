using JoMA.Engine.Checkpoints;
using JoMA.Engine.Metrics;
using JoMA.Engine.Models;
using JoMA.Engine.Tests.Checkpoints;

namespace JoMA.Engine.Tests.Models;

/// <summary>Attention computed in blocks of query rows must give the whole maps' rows and statistics.</summary>
public class BlockedAttentionTests
{
    [Theory]
    [InlineData("gpt_neox_tiny", 3)]
    [InlineData("opt_tiny", 5)]
    [InlineData("gpt_neox_tiny", 1)]
    public void Blocks_AreTheReferenceRows_AndAccumulateToTheWholeMapsStatistics(string model, int rows)
    {
        var reference = new ReferenceData(model);
        var ids = reference.Inputs[1];                                                   // 16 tokens
        using var checkpoint = JomaCheckpoint.Open(Path.Combine(FixturePaths.HfReference, model));
        var network = checkpoint.GetModel();
        var blocked = Enumerable.Range(0, 2).Select(l => new AttentionMapAccumulator(l, 4)).ToArray();
        var whole = Enumerable.Range(0, 2).Select(l => new AttentionMapAccumulator(l, 4)).ToArray();
        var firsts = new List<long>();
        double worst = 0;
        using (var output = network.Forward(ids, ForwardOptions.EntropiesOnly with
        {
            ComputeEntropies = false,
            ComputeLogits = false,
            AttentionQueryBlockRows = rows,
            OnAttentionBlock = (layer, first, block) =>
            {
                if (layer == 0) firsts.Add(first);
                Assert.Equal(first + block.shape[1], block.shape[2]);                   // only the keys a causal row can see
                blocked[layer].AddQueryBlock(block, first);
                var expected = ReferenceData.Flatten(reference.Attention(layer, 1));   // [heads, 16, 16]
                var actual = block.to_type(TorchSharp.torch.ScalarType.Float64).contiguous().data<double>().ToArray();
                long r = block.shape[1], keys = block.shape[2];
                for (int h = 0; h < 4; h++)
                    for (long q = 0; q < r; q++)
                        for (long k = 0; k < keys; k++)
                            worst = Math.Max(worst, Math.Abs(actual[(h * r + q) * keys + k] - expected[(h * 16 + first + q) * 16 + k]));
            },
        })) { }
        Assert.True(worst < 1e-5, $"max |blocked − reference| = {worst}");
        Assert.Equal(Enumerable.Range(0, (16 + rows - 1) / rows).Select(b => (long)(b * rows)), firsts);
        using (var output = network.Forward(ids, ForwardOptions.EntropiesOnly with { ComputeEntropies = false, OnLayerAttention = (layer, p) => whole[layer].Add(p) })) { }
        for (int l = 0; l < 2; l++)
        {
            var b = blocked[l].Result();
            var w = whole[l].Result();
            Assert.Equal(w.HeadAveraged.Rows, b.HeadAveraged.Rows);
            Assert.Equal(w.HeadAveraged.Entropy, b.HeadAveraged.Entropy, 1e-6);
            Assert.Equal(w.HeadAveraged.MaxEntropy, b.HeadAveraged.MaxEntropy, 1e-12);
            Assert.Equal(w.HeadAveraged.TopMass, b.HeadAveraged.TopMass, 1e-6);
            for (int h = 0; h < 4; h++) Assert.Equal(w.PerHead[h].Entropy, b.PerHead[h].Entropy, 1e-6);
        }
    }

    [Fact]
    public void QueryBlockRows_KeepsBlocksNearFourMillionProbabilities()
    {
        Assert.Equal(256, AttentionExtractor.QueryBlockRows(8, 2048));
        Assert.Equal(1, AttentionExtractor.QueryBlockRows(64, 1 << 20));
        Assert.True(AttentionExtractor.QueryBlockRows(4, 16) >= 16);                    // short windows: one block
    }
}
