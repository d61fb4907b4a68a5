using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>The reference's PositionalEncoding: x + PE[:T] with PE[pos, 2i] = sin(pos/10000^(2i/d)), PE[pos, 2i+1] = cos(…), then dropout.</summary>
public sealed class SinusoidalPositions : nn.Module<Tensor, Tensor>
{
    readonly Tensor pe;       // [MaxLength, 1, d], a buffer (saved with the model, not trained)
    readonly CounterDropout dropout;

    public SinusoidalPositions(string name, int modelDimension, int maxLength, double dropout) : base(name)
    {
        using var position = arange(0, maxLength, dtype: ScalarType.Float32).unsqueeze(1);                         // [L, 1]
        using var divisor = (arange(0, modelDimension, 2, dtype: ScalarType.Float32) * (-Math.Log(10000.0) / modelDimension)).exp();
        var table = zeros(maxLength, modelDimension);
        table[.., TensorIndex.Slice(0, null, 2)] = (position * divisor).sin();
        table[.., TensorIndex.Slice(1, null, 2)] = (position * divisor).cos()[.., ..(modelDimension / 2)];
        pe = table.unsqueeze(1);
        table.Dispose();
        this.dropout = new CounterDropout(dropout);
        register_buffer("pe", pe);
        RegisterComponents();
    }

    /// <param name="x">[T, B, d]</param>
    public override Tensor forward(Tensor x) => dropout.forward(x + pe[..(int)x.shape[0]]);
}
