using JoMA.Engine.Checkpoints;
using JoMA.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Models;

/// <summary>
/// The forward-pass scaffolding both architectures share: token checks, no_grad, one dispose scope per
/// layer (so an entropy-only pass holds one layer's attention maps at a time), and collecting outputs in
/// Hugging Face's conventions. Subclasses supply embeddings, one decoder layer and the final norm.
/// </summary>
public abstract class CausalLanguageModel : ICausalLanguageModel
{
    protected CausalLanguageModel(CheckpointWeights weights)
    {
        Weights = weights;
        foreach (var name in weights.Names)
            if (weights[name].is_floating_point() && !IsHeldDType(weights[name].dtype))
                throw new JomaException("ModelWeightsNotFloat32", JomaErrorKind.InvalidArgument,
                    $"Weight '{name}' is {weights[name].dtype}; the forward pass holds weights as float32, float16 or bfloat16 only.");
    }

    /// <summary>Weights may be held in half precision to save memory; the arithmetic is always float32.</summary>
    static bool IsHeldDType(ScalarType dtype) => dtype is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>Loads the weights of <paramref name="checkpoint"/> (as float32) and builds its architecture's model.</summary>
    public static CausalLanguageModel Load(HuggingFaceCheckpoint checkpoint) => Load(checkpoint, ScalarType.Float32);

    /// <summary>
    /// Loads the weights of <paramref name="checkpoint"/> held in <paramref name="weightDType"/> (float32, float16 or bfloat16;
    /// each weight is widened to float32 when a layer uses it) and builds its architecture's model.
    /// </summary>
    public static CausalLanguageModel Load(HuggingFaceCheckpoint checkpoint, ScalarType weightDType)
    {
        if (!IsHeldDType(weightDType))
            throw JomaException.Argument("WeightDTypeUnsupported", $"Weights can be held as Float32, Float16 or BFloat16, not {weightDType}.");
        var weights = checkpoint.LoadWeights(keepStoredDType: weightDType != ScalarType.Float32);
        try
        {
            weights.ConvertFloating(weightDType);
            return checkpoint.Architecture switch
            {
                CheckpointArchitecture.GptNeoX => new GptNeoXModel(weights),
                CheckpointArchitecture.Opt => new OptModel(weights),
                _ => throw new JomaException("UnsupportedArchitecture", JomaErrorKind.NotImplemented, $"No forward pass for {checkpoint.Architecture}."),
            };
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The weights under canonical names, on <see cref="Device"/>, in the dtype they are held in.</summary>
    public CheckpointWeights Weights { get; }
    public CheckpointConfig Config => Weights.Config;
    public IReadOnlyList<string> Warnings => Weights.Warnings;
    /// <summary>Where the weights live and the forward pass runs.</summary>
    public Device Device { get; private set; } = CPU;

    /// <summary>Moves the weights to <paramref name="device"/> (e.g. CUDA); later forward passes run there.</summary>
    public void MoveTo(Device device)
    {
        Weights.MoveTo(device);
        Device = device;
    }

    /// <summary>A weight as float32 (a temporary widened copy, owned by the current dispose scope, when held in half precision).</summary>
    protected Tensor W(string name)
    {
        var weight = Weights[name];
        return weight.dtype == ScalarType.Float32 ? weight : weight.to_type(ScalarType.Float32);
    }

    /// <summary>[T] ids → [T, hidden] input of layer 0.</summary>
    protected abstract Tensor Embed(Tensor ids);
    /// <summary>One decoder layer: x [T, hidden] → [T, hidden]; its attention probabilities go to <paramref name="capture"/>.</summary>
    internal abstract Tensor DecoderLayer(int layer, Tensor x, AttentionCapture capture);
    /// <summary>After the last layer: final norm (and projection) → the last hidden state.</summary>
    protected abstract Tensor Final(Tensor x);
    /// <summary>The last hidden state → logits [T, vocab].</summary>
    protected abstract Tensor Unembed(Tensor x);
    /// <summary>Longest sequence the model accepts (OPT: its learned positions; GPT-NeoX: unbounded rotary, but max_position_embeddings as trained).</summary>
    protected virtual int MaxTokens => Config.MaxPositionEmbeddings;

    public CausalLmOutput Forward(IReadOnlyList<long> tokenIds, ForwardOptions? options = null)
    {
        options ??= ForwardOptions.Everything;
        if (tokenIds.Count == 0) throw JomaException.Argument("TokenSequenceEmpty", "Give at least one token id.");
        if (tokenIds.Count > MaxTokens)
            throw JomaException.Argument("TokenSequenceTooLong", $"The sequence has {tokenIds.Count} tokens; this model accepts at most {MaxTokens} (max_position_embeddings). Split the text.");
        var bad = tokenIds.FirstOrDefault(id => id < 0 || id >= Config.VocabSize, -1);
        if (tokenIds.Any(id => id < 0 || id >= Config.VocabSize))
            throw JomaException.Argument("TokenIdOutOfRange", $"Token id {bad} is outside the vocabulary [0, {Config.VocabSize}). Tokenize with this checkpoint's tokenizer.");
        NativeLibraries.EnsureLoaded();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var hidden = new List<Tensor>();
        var attentions = new List<Tensor>();
        var entropies = new List<LayerAttentionEntropy>();
        var x = Embed(tensor(tokenIds.ToArray(), ScalarType.Int64, device: Device));
        for (int l = 0; l < Config.Layers; l++)
        {
            if (options.KeepHiddenStates) hidden.Add(x);
            using var layerScope = NewDisposeScope();
            int layer = l;
            bool wholeMapNeeded = options.KeepAttentionMaps || options.ComputeEntropies || options.OnLayerAttention is not null;
            var capture = !wholeMapNeeded && options.AttentionQueryBlockRows is { } rows && options.OnAttentionBlock is { } onBlock
                ? AttentionCapture.Blocks(rows, (first, block) => onBlock(layer, first, block))
                : AttentionCapture.FullMap();
            var next = DecoderLayer(l, x, capture);
            if (capture.Probabilities is { } probabilities)
            {
                options.OnAttentionBlock?.Invoke(l, 0, probabilities);
                options.OnLayerAttention?.Invoke(l, probabilities);
                if (options.ComputeEntropies) entropies.Add(new LayerAttentionEntropy(l, CausalAttention.EntropyPerHead(probabilities)));
                if (options.KeepAttentionMaps) attentions.Add(probabilities.contiguous().MoveToOuterDisposeScope());
            }
            if (!options.KeepHiddenStates && l > 0) x.Dispose(); // bounded memory: the previous layer's output is no longer needed
            x = next.MoveToOuterDisposeScope();
        }
        x = Final(x);
        if (options.KeepHiddenStates) hidden.Add(x);
        var logits = options.ComputeLogits ? Unembed(x) : null;
        foreach (var t in hidden.Concat(attentions)) t.DetachFromDisposeScope();
        logits?.DetachFromDisposeScope();
        return new CausalLmOutput(logits, hidden, attentions, entropies);
    }

    protected static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, double eps) =>
        nn.functional.layer_norm(x, [x.shape[^1]], weight, bias, eps);

    protected static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) => nn.functional.linear(x, weight, bias);

    public void Dispose()
    {
        Weights.Dispose();
        GC.SuppressFinalize(this);
    }
}
