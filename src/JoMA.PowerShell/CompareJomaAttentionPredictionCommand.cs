using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Theory;

namespace JoMA.PowerShell;

/// <summary>
/// Scores the JoMA prediction (and the baselines: co-occurrence, unigram, PMI, recency, query-free drive, a
/// permutation null) against the attention a trained model gives context tokens, per checkpoint step, with
/// bootstrap intervals over queries and a paired verdict for each baseline (SCIENCE.md §7).
/// </summary>
[Cmdlet(VerbsData.Compare, "JomaAttentionPrediction")]
[OutputType(typeof(PredictionScore))]
public sealed class CompareJomaAttentionPredictionCommand : JomaCmdlet
{
    /// <summary>Observed shares (Measure-JomaTokenAttention), usually from the pipeline, over one or more checkpoints.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public TokenAttention[]? Observed { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public CorpusTokenStatistic[]? Statistics { get; set; }

    [Parameter]
    public AttentionPrediction[]? Prediction { get; set; }

    [Parameter] [ValidateRange(1, 100_000)] public int Bootstrap { get; set; } = 1000;
    [Parameter] [ValidateRange(0.5, 0.999)] public double Confidence { get; set; } = 0.95;
    [Parameter] public int Seed { get; set; } = 1;
    [Parameter] [ValidateRange(1, 1000)] public int NullPermutations { get; set; } = 1;
    [Parameter] public SwitchParameter UseFinalPrediction { get; set; }
    [Parameter] public SwitchParameter PositionAdjusted { get; set; }

    readonly List<TokenAttention> observed = new();

    protected override void ProcessRecord() => observed.AddRange(Observed!);

    protected override void EndProcessing()
    {
        var options = new PredictionComparisonOptions
        {
            BootstrapResamples = Bootstrap, Confidence = Confidence, Seed = Seed, NullPermutations = NullPermutations,
            UseFinalPrediction = UseFinalPrediction.IsPresent, PositionAdjusted = PositionAdjusted.IsPresent,
        };
        PredictionComparisonResult result = null!;
        try
        {
            RunStoppable(() => result = PredictionComparison.Compare(Statistics!, Prediction ?? Array.Empty<AttentionPrediction>(), observed, options));
        }
        catch (JomaException e) { ThrowTerminating(e); }
        // One warning per reason, not per query and step: a 200-query comparison over 40 checkpoints could say thousands.
        foreach (var reason in result.Skipped.GroupBy(s => s.Reason))
        {
            var queries = reason.Select(s => s.Query).Distinct().ToList();
            WriteWarning($"{queries.Count} quer{(queries.Count == 1 ? "y" : "ies")} left out ({reason.Key}): {string.Join(", ", queries.Take(10))}{(queries.Count > 10 ? ", …" : "")}.");
        }
        foreach (var score in result.Scores) WriteObject(score);
    }
}
