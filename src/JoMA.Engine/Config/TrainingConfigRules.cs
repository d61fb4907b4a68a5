using JoMA.Engine.Training;

namespace JoMA.Engine.Config;

/// <summary>
/// The value rules of a <see cref="TrainingConfig"/>, once: Import-JomaConfig, New-JomaConfig and
/// Start-JomaTraining all check through here, and the cmdlets' parameter ranges are these numbers.
/// Task-specific requirements (a corpus, a latent tree, a step count) are the trainers' to check.
/// </summary>
public static class TrainingConfigRules
{
    public const int MaxLayers = 1000, MaxHeads = 1024, MaxModelDimension = 1_000_000, MaxFeedForwardDimension = 10_000_000;
    public const int MaxBatchSize = 1_000_000, MaxBptt = 100_000, MaxEpochs = 100_000, MaxProbeWindows = 10_000;
    public const double MaxDropout = 0.999;

    /// <summary>Throws a JomaException (ConfigInvalidValue) naming the first key whose value breaks a rule and the allowed range.</summary>
    /// <param name="source">Where the config came from (a file path), for the message; null for an object built in memory.</param>
    public static void Validate(TrainingConfig config, string? source = null)
    {
        var d = config.Data; var m = config.Model; var o = config.Optimizer; var t = config.Training; var h = config.Hierarchy;
        IntRange(source, "data.min_frequency", d.MinFrequency, 1, int.MaxValue);
        if (d.MaxVocabulary is { } v) IntRange(source, "data.max_vocabulary", v, 2, int.MaxValue);
        IntRange(source, "data.batch_size", d.BatchSize, 1, MaxBatchSize);
        IntRange(source, "data.eval_batch_size", d.EvalBatchSize, 1, MaxBatchSize);
        IntRange(source, "data.bptt", d.Bptt, 1, MaxBptt);
        IntRange(source, "model.layers", m.Layers, 1, MaxLayers);
        IntRange(source, "model.heads", m.Heads, 1, MaxHeads);
        IntRange(source, "model.model_dimension", m.ModelDimension, 1, MaxModelDimension);
        IntRange(source, "model.feed_forward_dimension", m.FeedForwardDimension, 1, MaxFeedForwardDimension);
        if (m.ModelDimension % m.Heads != 0)
            throw Invalid(source, "model.heads", $"model.heads (-Heads {m.Heads}) must divide model.model_dimension (-ModelDimension {m.ModelDimension})", "HeadsDoNotDivide");
        DoubleRange(source, "model.dropout", m.Dropout, 0, MaxDropout);
        OneOf(source, "model.activation", m.Activation, "relu", "gelu");
        OneOf(source, "optimizer.name", o.Name, OptimizerFactory.Names.ToArray());
        if (!(o.Lr > 0 && double.IsFinite(o.Lr)))
            throw Invalid(source, "optimizer.lr", $"optimizer.lr (-LearningRate) must be a finite number above 0 (got {o.Lr})");
        DoubleRange(source, "optimizer.weight_decay", o.WeightDecay, 0, double.MaxValue);
        DoubleRange(source, "optimizer.momentum", o.Momentum, 0, 1);
        DoubleRange(source, "optimizer.clip", o.Clip, 0, double.MaxValue);
        OneOf(source, "optimizer.schedule", o.Schedule, LearningRateSchedule.Kinds.ToArray());
        IntRange(source, "optimizer.warmup_steps", o.WarmupSteps, 0, int.MaxValue);
        IntRange(source, "training.epochs", t.Epochs, 1, MaxEpochs);
        if (t.MaxSteps is { } steps && steps < 1) throw Invalid(source, "training.max_steps", $"training.max_steps (-MaxSteps) must be 1 or more (got {steps})");
        IntRange(source, "training.evaluate_every", t.EvaluateEvery, 1, int.MaxValue);
        IntRange(source, "training.evaluate_early_every", t.EvaluateEarlyEvery, 0, int.MaxValue);
        if (t.EvaluateEarlyUntil < 0) throw Invalid(source, "training.evaluate_early_until", $"training.evaluate_early_until must be 0 or more (got {t.EvaluateEarlyUntil})");
        IntRange(source, "training.probe_windows", t.ProbeWindows, 1, MaxProbeWindows);
        IntRange(source, "training.keep_last", t.KeepLast, 1, int.MaxValue);
        IntRange(source, "training.keep_every", t.KeepEvery, 0, int.MaxValue);
        IntRange(source, "hierarchy.feed_forward_multiplier", h.FeedForwardMultiplier, 1, int.MaxValue);
        OneOf(source, "hierarchy.feed_forward_base", h.FeedForwardBase, "vocabulary", "model");
        IntRange(source, "hierarchy.evaluation_samples", h.EvaluationSamples, 1, int.MaxValue);
        if (!Enum.TryParse<JoMA.Engine.Native.DevicePreference>(config.Device, true, out _))
            throw Invalid(source, "device", $"device must be one of {string.Join(", ", Enum.GetNames<JoMA.Engine.Native.DevicePreference>()).ToLowerInvariant()} (got '{config.Device}')");
        if (!config.IsHierarchicalTask() && !config.Task.Replace("_", "").Equals("languagemodel", StringComparison.OrdinalIgnoreCase))
            throw Invalid(source, "task", $"task must be {TrainingConfig.TaskNames.LanguageModel} or {TrainingConfig.TaskNames.Hierarchical} (got '{config.Task}')");
    }

    static void IntRange(string? source, string key, long value, long min, long max)
    {
        if (value < min || value > max)
            throw Invalid(source, key, max == int.MaxValue || max == long.MaxValue
                ? $"{key} must be {min} or more (got {value})"
                : $"{key} must be between {min} and {max} (got {value})");
    }

    static void DoubleRange(string? source, string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max) || double.IsNaN(value) || double.IsInfinity(value))
            throw Invalid(source, key, max == double.MaxValue
                ? $"{key} must be a finite number, {min} or more (got {value})"
                : $"{key} must be a number between {min} and {max} (got {value})");
    }

    static void OneOf(string? source, string key, string? value, params string[] allowed)
    {
        if (value is null || !allowed.Contains(value.ToLowerInvariant()))
            throw Invalid(source, key, $"{key} must be one of {string.Join(", ", allowed)} (got '{value}')");
    }

    static JomaException Invalid(string? source, string key, string detail, string errorId = "ConfigInvalidValue") =>
        new(errorId, JomaErrorKind.InvalidData,
            $"{(source is null ? "" : source + ": ")}{detail}. Fix '{key}'{(source is null ? "" : " in the file")} or set it with the matching parameter.");
}
