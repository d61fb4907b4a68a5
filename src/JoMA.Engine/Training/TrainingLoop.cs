namespace JoMA.Engine.Training;

/// <summary>
/// The step loop every trainer shares: train a step at a time, snapshot (evaluate and checkpoint) every
/// step the schedule names and once at the end, and when cancelled write a checkpoint at the step boundary
/// unless the last snapshot already holds this step, so a stopped run always resumes where it stopped.
/// </summary>
internal static class TrainingLoop
{
    /// <param name="step">The number of steps trained so far.</param>
    /// <param name="trainStep">Trains one step; false when there is nothing left to train.</param>
    /// <param name="save">Writes a checkpoint and returns its folder; null when the run has no folder.</param>
    public static void Run(Func<long> step, Func<bool> trainStep, EvaluationSchedule schedule, Action snapshot, Func<string?>? save,
        Action<string> log, CancellationToken cancellation)
    {
        long saved = step();
        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!trainStep()) break;
                if (schedule.IsDue(step())) { snapshot(); saved = step(); }
            }
            if (saved != step()) snapshot();
        }
        catch (OperationCanceledException)
        {
            if (saved != step() && save is not null)
                log($"Stopped at step {step()}; checkpoint written to {save()}. Resume with -ResumeFrom.");
            throw;
        }
    }

    /// <summary>A loss that is not finite stops training with advice instead of passing NaN along.</summary>
    public static double RequireFinite(double loss, long step, string remedy) => double.IsFinite(loss)
        ? loss
        : throw new JomaException("TrainingDiverged", JomaErrorKind.InvalidOperation,
            $"The training loss became {loss} at step {step + 1}. {remedy}, then resume from the last checkpoint or start again.");
}
