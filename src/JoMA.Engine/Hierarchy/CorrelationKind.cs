namespace JoMA.Engine.Hierarchy;

/// <summary>Pearson: centred (the paper's normalised correlation, SCIENCE.md §1); Cosine: the same without centring.</summary>
public enum CorrelationKind { Pearson, Cosine }
