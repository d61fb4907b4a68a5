namespace JoMA.Engine.Theory;

/// <summary>Which context tokens of a query are listed (the rest is pooled into one component).</summary>
public enum ContextSelection
{
    /// <summary>Half by drive and half by co-occurrence (the union, filled up from either list): the tokens the theory and the strongest baseline each bet on, so neither is scored only on its own picks.</summary>
    Both,
    Drive,
    CoOccurrence,
}
