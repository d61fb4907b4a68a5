namespace JoMA.Engine.Training;

/// <summary>Where a run is, for progress bars: reported after each minibatch.</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, int Epoch, double TrainLoss, double TokensPerSecond, string Phase);
