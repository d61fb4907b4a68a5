using JoMA.Engine.Checkpoints;
using JoMA.Engine.Models;
using JoMA.Engine.Tests.Checkpoints;

namespace JoMA.Engine.Tests.Models;

public class AttentionExtractorTests
{
    static JomaCheckpoint Open(string model) => JomaCheckpoint.Open(Path.Combine(FixturePaths.HfReference, model));

    [Theory]
    [InlineData("gpt_neox_tiny", null)]
    [InlineData("opt_tiny", null)]
    [InlineData("gpt_neox_tiny", 3)]                                                    // maps assembled from blocks of 3 query rows
    [InlineData("opt_tiny", 5)]
    public void Samples_MatchTheReferenceMaps_AndPerHeadEntropies(string model, int? blockRows)
    {
        var reference = new ReferenceData(model);
        using var checkpoint = Open(model);
        var extractor = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, new AttentionExtractionOptions { QueryBlockRows = blockRows });
        for (int s = 0; s < reference.Inputs.Length; s++)
        {
            var ids = reference.Inputs[s].Select(i => (int)i).ToArray();
            var sample = extractor.Run(s, ids);
            Assert.Equal(ids.Length, sample.Length);
            Assert.Equal(new[] { 0, 1 }, sample.Layers);
            for (int l = 0; l < 2; l++)
            {
                var expected = ReferenceData.Flatten(reference.Attention(l, s));
                var actual = sample.Probabilities![l];
                Assert.Equal(expected.Length, actual.Length);
                Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() < 1e-5);
                // The paper's ln(p + 1e-8) differs from the fixture's ln p by at most T·1e-8 per row.
                for (int h = 0; h < 4; h++)
                    Assert.Equal(reference.EntropyPerHead(l, s, h), sample.Statistics[l].PerHead[h].Entropy, 1e-5);
            }
        }
    }

    [Fact]
    public void ReduceOnly_KeepsTheSameStatistics_AndNoMaps()
    {
        var ids = new ReferenceData("gpt_neox_tiny").Inputs[1].Select(i => (int)i).ToArray();
        using var checkpoint = Open("gpt_neox_tiny");
        var full = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, new AttentionExtractionOptions()).Run(0, ids);
        var reduced = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, new AttentionExtractionOptions { ReduceOnly = true }).Run(0, ids);
        Assert.Null(reduced.Probabilities);
        Assert.Equal(full.Statistics, reduced.Statistics, (a, b) => a.Layer == b.Layer && a.HeadAveraged == b.HeadAveraged && a.PerHead.SequenceEqual(b.PerHead));
    }

    [Fact]
    public void LayerAndHeadFilters_KeepOnlyThoseMaps_WithAllHeadsInTheStatistics()
    {
        var reference = new ReferenceData("opt_tiny");
        var ids = reference.Inputs[0].Select(i => (int)i).ToArray();
        using var checkpoint = Open("opt_tiny");
        var sample = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, new AttentionExtractionOptions { Layers = [1], Heads = [3, 1], QueryBlockRows = 2 }).Run(0, ids);
        Assert.Equal(new[] { 1 }, sample.Layers);
        Assert.Equal(new[] { 1, 3 }, sample.KeptHeads);
        Assert.Equal(2 * ids.Length * ids.Length, Assert.Single(sample.Probabilities!).Length);
        Assert.Equal(4, Assert.Single(sample.Statistics).PerHead.Length);
        var map = sample.Map(1, 3);
        var expected = reference.Attention(1, 0)[3];
        for (int q = 0; q < ids.Length; q++)
            for (int k = 0; k < ids.Length; k++) Assert.Equal(expected[q][k].GetDouble(), map[q, k], 1e-5);
        Assert.Equal("AttentionMapMissing", Assert.Throws<JomaException>(() => sample.Map(1, 0)).ErrorId);
    }

    [Fact]
    public void Windows_CutConsecutively_AndStopAtMaxWindows()
    {
        using var checkpoint = Open("gpt_neox_tiny");
        var extractor = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, new AttentionExtractionOptions { WindowLength = 4, MaxWindows = 2 });
        var ids = Enumerable.Range(10, 11).ToArray();
        var windows = extractor.Windows(ids).ToList();
        Assert.Equal(2, extractor.WindowCount(ids.Length));
        Assert.Equal(new[] { new[] { 10, 11, 12, 13 }, new[] { 14, 15, 16, 17 } }, windows);
        var all = new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, new AttentionExtractionOptions { WindowLength = 4 });
        Assert.Equal(new[] { 18, 19, 20 }, all.Windows(ids).Last());
        Assert.Equal(3, all.WindowCount(ids.Length));
    }

    [Theory]
    [InlineData(0, null, null, "WindowLengthOutOfRange")]
    [InlineData(65, null, null, "WindowLengthOutOfRange")]
    [InlineData(null, 2, null, "LayerOutOfRange")]
    [InlineData(null, null, 4, "HeadOutOfRange")]
    public void BadOptions_AreRefusedWithIds(int? window, int? layer, int? head, string errorId)
    {
        using var checkpoint = Open("gpt_neox_tiny");
        var options = new AttentionExtractionOptions
        {
            WindowLength = window,
            Layers = layer is null ? null : [layer.Value],
            Heads = head is null ? null : [head.Value],
        };
        Assert.Equal(errorId, Assert.Throws<JomaException>(() => new AttentionExtractor(checkpoint, checkpoint.GetModel(), null, options)).ErrorId);
    }

    [Fact]
    public void OnLayerAttention_SeesEveryLayersMap_WhileNoneIsKept()
    {
        var reference = new ReferenceData("gpt_neox_tiny");
        using var checkpoint = Open("gpt_neox_tiny");
        var seen = new List<(int Layer, double Max)>();
        using var output = checkpoint.GetModel().Forward(reference.Inputs[0], ForwardOptions.EntropiesOnly with
        {
            ComputeLogits = false,
            OnLayerAttention = (layer, p) => seen.Add((layer, ReferenceData.MaxAbsDiff(p, reference.Attention(layer, 0)))),
        });
        Assert.Equal(new[] { 0, 1 }, seen.Select(s => s.Layer));
        Assert.All(seen, s => Assert.True(s.Max < 1e-5));
        Assert.Empty(output.Attentions);
        Assert.Null(output.Logits);
    }
}
