namespace JoMA.Engine.Tests.Plots;

/// <summary>
/// Plot tests load Skia and decode images (tens of MiB of native memory); run them on their own, after the parallel
/// tests, so they never inflate the process memory that TrainerTests.MemoryStaysFlat measures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlotTestCollection
{
    public const string Name = "Plots (not in parallel)";
}
