using JoMA.Engine.Metrics;
using JoMA.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Joint;

/// <summary>
/// The joint attention-logit + MLP toy of the paper's Figs. 2–3 (SCIENCE.md §3, the authors'
/// draw_figure_2_3.py), trained by SGD with libtorch autograd, checking the JoMA invariant each reported step.
/// float32 and the authors' order of random draws (X, then W, then z), so a seed reproduces their run.
/// </summary>
public static class JointDynamicsSimulation
{
    public static void Run(JointDynamicsOptions options, Action<JomaInvariantSample> onSample, CancellationToken cancellation = default,
        Action<string>? onDevice = null)
    {
        options.Validate();
        var device = ComputeDevice.Resolve(options.Device);
        onDevice?.Invoke(device.ToString());
        int mc = options.ContextTokens, md = options.DistinctTokens, k = options.Classes, d = options.EmbeddingDimension;
        double temperature = options.Temperature;

        using var runScope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)options.Seed), CPU);

        var x = rand(mc, k, generator: generator) / 2;                        // [Mc, K] class-conditional token weights
        if (options.Variant == JointVariant.Gaussian && md > 0)
        {
            var distinct = arange(md, dtype: float32);
            for (int y = 0; y < k; y++)
                x[TensorIndex.Slice(0, md), y] = (-(distinct - (float)y / k * md).pow(2) / 30).exp();
        }
        x = (x / x.sum(0, keepdim: true)).to(device);
        var u = zeros(d, mc + 1, device: device);                                            // [d, Mc+1] one-hot orthonormal embeddings
        u[TensorIndex.Slice(0, mc + 1), TensorIndex.Slice(0, mc + 1)] = eye(mc + 1, device: device);
        var uContext = u[.., ..mc];                                           // [d, Mc]
        var uQuery = u[.., mc].unsqueeze(1);                                  // [d, 1] the residual
        var xBar = x.mean(new long[] { 1 }).cpu().data<float>().Select(v => (double)v).ToArray(); // x̄_m = mean_y X[m, y]

        var w = nn.Parameter((randn(d, k, generator: generator) / 100).to(device));  // [d, K] MLP weight
        var z = nn.Parameter((randn(mc, generator: generator) / 100).to(device));    // [Mc] attention logits
        var labels = arange(k, dtype: int64, device: device);
        using var optimizer = optim.SGD(new[] { w, z }, options.LearningRate);

        var (constant, _, _) = Predict(uContext, w, xBar, temperature, null);
        var z0 = ToDoubles(z);
        for (int m = 0; m < mc; m++) constant[m] = z0[m] - constant[m];   // C fixed so that ẑ(0) = z(0)

        for (int step = 0; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var b = (z / temperature).exp().unsqueeze(1) * x;                // [Mc, K]
            b = b / b.sum(0, keepdim: true);
            var f = uContext.matmul(b) + uQuery;                              // [d, K] token mix plus residual
            var output = f.t().matmul(w);                                     // [K samples, K classes]
            var loss = nn.functional.cross_entropy(output, labels);

            if (step % options.SampleInterval == 0 || step == options.Steps)
                onSample(Measure(step, loss.item<float>(), uContext, w, z, xBar, temperature, constant, options));
            if (step == options.Steps) break;
            loss.backward();
            optimizer.step();
        }
    }

    static JomaInvariantSample Measure(int step, double loss, Tensor uContext, Tensor w, Tensor z, double[] xBar, double temperature,
        double[] constant, JointDynamicsOptions options)
    {
        var (predicted, squaredTerm, meanTerm) = Predict(uContext, w, xBar, temperature, constant);
        var zValues = ToDoubles(z);
        double[,]? v = null;
        if (options.IncludeState)
        {
            using var noGrad = no_grad();
            var vt = uContext.t().matmul(w);                                  // [Mc, K]
            var flat = vt.cpu().data<float>().ToArray();
            v = new double[vt.shape[0], vt.shape[1]];
            for (int i = 0; i < v.GetLength(0); i++)
                for (int j = 0; j < v.GetLength(1); j++) v[i, j] = flat[i * v.GetLength(1) + j];
        }
        return new JomaInvariantSample
        {
            Step = step, Variant = options.Variant, Seed = options.Seed, Loss = loss,
            Correlation = NormalizedCorrelation.Of(zValues, predicted),
            CorrelationSquaredTerm = NormalizedCorrelation.Of(zValues, squaredTerm),
            CorrelationMeanTerm = NormalizedCorrelation.Of(zValues, meanTerm),
            Z = options.IncludeState ? zValues : null,
            ZPredicted = options.IncludeState ? predicted : null,
            V = v,
        };
    }

    /// <summary>ẑ = ‖V_m‖²/(2T) − x̄_m‖W‖_F²/(2T) + C, V = U_Cᵀ W; also the two terms alone (without C, as the authors plot them).</summary>
    static (double[] Predicted, double[] SquaredTerm, double[] MeanTerm) Predict(Tensor uContext, Tensor w, double[] xBar, double temperature, double[]? constant)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rowNorms = ToDoubles(uContext.t().matmul(w).pow(2).sum(1));       // [Mc] ‖V_m‖²
        double frobenius = w.pow(2).sum().cpu().item<float>();
        int mc = rowNorms.Length;
        var squared = new double[mc];
        var mean = new double[mc];
        var predicted = new double[mc];
        for (int m = 0; m < mc; m++)
        {
            squared[m] = rowNorms[m] / 2 / temperature;
            mean[m] = -xBar[m] * frobenius / 2 / temperature;
            predicted[m] = squared[m] + mean[m] + (constant?[m] ?? 0);
        }
        return (predicted, squared, mean);
    }

    static double[] ToDoubles(Tensor t)
    {
        using var noGrad = no_grad();
        return t.detach().cpu().data<float>().Select(v => (double)v).ToArray();
    }
}
