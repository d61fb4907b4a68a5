using static TorchSharp.torch;

namespace JoMA.Engine.Hierarchy;

/// <summary>
/// A minibatch of fresh samples from a tree, as flat arrays ready to become tensors: tokens [B, L],
/// labels [B] and, per tree layer, 0/1 activity of each latent [B, n_l].
/// </summary>
public sealed class LatentBatch
{
    LatentBatch(int count, int length, long[] tokens, long[] labels, float[][] active)
    {
        Count = count; Length = length; TokenIds = tokens; Labels = labels; Active = active;
    }

    public int Count { get; }
    public int Length { get; }
    public long[] TokenIds { get; }
    public long[] Labels { get; }
    public float[][] Active { get; }

    public static LatentBatch Draw(LatentTree tree, int count, Random random)
    {
        int length = tree.SequenceLength;
        var tokens = new long[count * length];
        var labels = new long[count];
        var active = tree.Layers.Select(l => new float[count * l.Count]).ToArray();
        for (int i = 0; i < count; i++)
        {
            var sample = tree.Sample(random, i);
            for (int t = 0; t < length; t++) tokens[i * length + t] = sample.Tokens[t];
            labels[i] = sample.Label;
            for (int l = 0; l < active.Length; l++)
                foreach (var k in sample.ActiveLatents[l]) active[l][i * tree.Layers[l].Count + k] = 1f;
        }
        return new LatentBatch(count, length, tokens, labels, active);
    }

    public Tensor TokenTensor(Device device) => tensor(TokenIds, new long[] { Count, Length }).to(device);   // [B, L] int64
    public Tensor LabelTensor(Device device) => tensor(Labels, new long[] { Count }).to(device);            // [B] int64

    /// <summary>[B, n_l] float: 1 where latent k of tree layer l was active.</summary>
    public Tensor ActiveTensor(int layer) => tensor(Active[layer], new long[] { Count, Active[layer].Length / Count });
}
