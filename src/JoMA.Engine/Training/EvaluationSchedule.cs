using JoMA.Engine.Config;

namespace JoMA.Engine.Training;

/// <summary>
/// Which steps are evaluated: every <see cref="Every"/> steps, and every <see cref="EarlyEvery"/> steps up to
/// <see cref="EarlyUntil"/> (the paper's curves move fastest in the first few thousand minibatches).
/// </summary>
public sealed record EvaluationSchedule(int Every, int EarlyEvery = 0, long EarlyUntil = 0)
{
    public static EvaluationSchedule From(TrainingConfig.TrainingSection training) =>
        new(training.EvaluateEvery, training.EvaluateEarlyEvery, training.EvaluateEarlyUntil);

    public bool IsDue(long step) =>
        step % Every == 0 || (EarlyEvery > 0 && step <= EarlyUntil && step % EarlyEvery == 0);

    public void Validate()
    {
        if (Every < 1) throw JomaException.Argument("EvaluateEveryNotPositive", $"-EvaluateEvery must be 1 or more steps (got {Every}).");
        if (EarlyEvery < 0) throw JomaException.Argument("EvaluateEarlyEveryNegative", $"training.evaluate_early_every must be 0 (off) or more steps (got {EarlyEvery}).");
        if (EarlyUntil < 0) throw JomaException.Argument("EvaluateEarlyUntilNegative", $"training.evaluate_early_until must be 0 or more steps (got {EarlyUntil}).");
    }
}
