namespace JoMA.Engine.Theory;

/// <summary>Which split of a run's corpus a trained model is probed on (the validation split by default, as the trainer evaluates).</summary>
public enum ProbeSplit { Validation, Train, Test }
