using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Theory;

namespace JoMA.PowerShell;

/// <summary>
/// The counting pass of the theory-meets-practice pipeline (SCIENCE.md §7): per query token, its context tokens'
/// co-occurrence, mean count, frequency, PMI and JoMA drive with a bootstrap interval, counted over the trainer's
/// own windows of the training split (same vocabulary and &lt;unk&gt; as Start-JomaTraining).
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "JomaCorpusStatistics", DefaultParameterSetName = "Corpus")]
[OutputType(typeof(CorpusTokenStatistic))]
public sealed class MeasureJomaCorpusStatisticsCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Corpus", ValueFromPipelineByPropertyName = true)]
    [Alias("Path")]
    [ValidateNotNullOrEmpty]
    public string? Corpus { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Config")]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "ConfigObject")]
    public TrainingConfig? Config { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Run")]
    [ValidateNotNullOrEmpty]
    public string? RunPath { get; set; }

    [Parameter] [ValidateNotNullOrEmpty] public string[]? Query { get; set; }
    [Parameter] [ValidateRange(1, 100_000)] public int QueryCount { get; set; } = 200;
    [Parameter] [ValidateRange(1, 64)] public int Contexts { get; set; } = 20;
    [Parameter] public ContextSelection SelectBy { get; set; } = ContextSelection.Both;
    [Parameter] [ValidateRange(1, 1_000_000)] public int NextTokens { get; set; } = 500;
    [Parameter] [ValidateRange(1, int.MaxValue)] public int MinCount { get; set; } = 20;
    [Parameter] public DriveKind DriveKind { get; set; } = DriveKind.L2;
    [Parameter] public SwitchParameter NoBiasCorrection { get; set; }
    [Parameter] [ValidateRange(0, 100_000)] public int Bootstrap { get; set; } = 200;
    [Parameter] [ValidateRange(1, 1_000_000)] public int BlockWindows { get; set; } = 10;
    [Parameter] [ValidateRange(0.5, 0.999)] public double Confidence { get; set; } = 0.95;
    [Parameter] public int Seed { get; set; } = 1;
    [Parameter] [ValidateRange(2, 100_000)] public int Bptt { get; set; }
    [Parameter] [ValidateRange(1, 1_000_000)] public int BatchSize { get; set; }
    [Parameter] [ValidateRange(1, int.MaxValue)] public int MinFrequency { get; set; }
    [Parameter] [ValidateRange(2, int.MaxValue)] public int MaxVocabulary { get; set; }

    protected override void ProcessRecord()
    {
        string target = Corpus ?? ConfigPath ?? RunPath ?? "config";
        try
        {
            TrainingStream stream;
            TrainingConfig config;
            if (RunPath is not null)
            {
                target = ResolveFilePath(RunPath);
                (config, stream) = TrainingStream.FromRun(target);
            }
            else
            {
                config = ParameterSetName switch
                {
                    "Config" => TrainingConfig.LoadAnchored(target = ResolveFilePath(ConfigPath!)),
                    "ConfigObject" => Config!.Clone(),
                    _ => new TrainingConfig { Data = { Corpus = target = ResolveFilePath(Corpus!) } },
                };
                if (Bound(nameof(MinFrequency))) config.Data.MinFrequency = MinFrequency;
                if (Bound(nameof(MaxVocabulary))) config.Data.MaxVocabulary = MaxVocabulary;
                stream = TrainingStream.Load(config);
            }
            var options = new CorpusStatisticsOptions
            {
                Bptt = Bound(nameof(Bptt)) ? Bptt : config.Data.Bptt, BatchSize = Bound(nameof(BatchSize)) ? BatchSize : config.Data.BatchSize,
                Queries = Query, QueryCount = QueryCount, Contexts = Contexts, SelectBy = SelectBy, NextTokens = NextTokens, MinCount = MinCount,
                Drive = DriveKind, BiasCorrection = !NoBiasCorrection.IsPresent, BootstrapResamples = Bootstrap, BlockWindows = BlockWindows,
                Confidence = Confidence, Seed = Seed,
            };
            WriteVerbose($"Counting {stream.Tokens.Length} tokens of {stream.TrainPath} (vocabulary {stream.Vocabulary.Count}) in windows of {options.Bptt} over {options.BatchSize} columns.");
            CorpusStatisticsResult result = null!;
            RunStoppable(() => result = CorpusStatisticsCounter.Count(stream.Tokens, stream.Vocabulary, options, stream.TrainPath, PipelineStopToken));
            foreach (var (query, reason) in result.Skipped) WriteWarning($"Query '{query}' skipped: {reason}.");
            foreach (var row in result.Rows) WriteObject(row);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, target);
        }
    }

    bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);
}
