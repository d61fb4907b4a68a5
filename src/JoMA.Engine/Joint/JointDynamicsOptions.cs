namespace JoMA.Engine.Joint;

/// <summary>Settings of the joint attention-logit + MLP toy (SCIENCE.md §3). Defaults are the authors'.</summary>
public sealed record JointDynamicsOptions
{
    public JointVariant Variant { get; init; } = JointVariant.Gaussian;
    /// <summary>Contextual tokens whose distribution depends on the class (M_distinct).</summary>
    public int DistinctTokens { get; init; } = 10;
    /// <summary>Contextual tokens shared by all classes (M_common).</summary>
    public int CommonTokens { get; init; } = 10;
    public int Classes { get; init; } = 20;
    public int EmbeddingDimension { get; init; } = 30;
    public double Temperature { get; init; } = 0.5;
    public double LearningRate { get; init; } = 0.1;
    public int Steps { get; init; } = 2000;
    public long Seed { get; init; } = 0;
    /// <summary>Report every this many steps (step 0 and the last step are always reported).</summary>
    public int SampleInterval { get; init; } = 1;
    /// <summary>Include z, ẑ and V = U_Cᵀ W in each sample (Fig. 3 heatmaps).</summary>
    public bool IncludeState { get; init; }
    /// <summary>Where the tensors live; random draws are always made on the CPU generator so a seed means the same run everywhere.</summary>
    public Native.DevicePreference Device { get; init; } = Native.DevicePreference.Cpu;

    public int ContextTokens => DistinctTokens + CommonTokens;

    public void Validate()
    {
        if (DistinctTokens < 0 || CommonTokens < 0 || ContextTokens < 2)
            throw JomaException.Argument("TokenCountInvalid", "-DistinctTokens and -CommonTokens must be 0 or more and add up to at least 2.");
        if (Classes < 2) throw JomaException.Argument("ClassesTooFew", $"-Classes must be at least 2 (got {Classes}).");
        if (EmbeddingDimension < ContextTokens + 1)
            throw JomaException.Argument("EmbeddingTooSmall",
                $"-EmbeddingDimension must be at least the number of tokens + 1 query = {ContextTokens + 1} for orthonormal one-hot embeddings (got {EmbeddingDimension}).");
        if (!(Temperature > 0 && double.IsFinite(Temperature))) throw JomaException.Argument("TemperatureNotPositive", $"-Temperature must be a finite number above 0 (got {Temperature}).");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw JomaException.Argument("LearningRateNotPositive", $"-LearningRate must be a finite number above 0 (got {LearningRate}).");
        if (Steps < 1) throw JomaException.Argument("StepsNotPositive", $"-Steps must be 1 or more (got {Steps}).");
        if (SampleInterval < 1) throw JomaException.Argument("SampleIntervalNotPositive", $"-SampleInterval must be 1 or more steps (got {SampleInterval}).");
    }
}
