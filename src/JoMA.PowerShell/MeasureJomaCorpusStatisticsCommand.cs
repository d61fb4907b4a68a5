using System.Management.Automation;
using System.Text;
using JoMA.Engine;
using JoMA.Engine.Checkpoints;
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
    /// <summary>A Wikitext folder (set Corpus: one), or with -Checkpoint the text files to tokenize (alias -Path).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Corpus", ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CheckpointTextSet)]
    [Alias("Path")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Corpus { get; set; }

    const string CheckpointTextSet = "CheckpointText", CheckpointTokenIdSet = "CheckpointTokenId";

    /// <summary>A pretrained checkpoint (Import-JomaCheckpoint): count its tokenizer's tokens in its windows.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CheckpointTextSet)]
    [Parameter(Mandatory = true, ParameterSetName = CheckpointTokenIdSet)]
    public JomaCheckpoint? Checkpoint { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CheckpointTokenIdSet)]
    [Alias("TokenId")]
    public int[] TokenIds { get; set; } = [];

    /// <summary>Tokens per window with -Checkpoint (Get-JomaAttention's -WindowLength); default the model's max_position_embeddings.</summary>
    [Parameter(ParameterSetName = CheckpointTextSet)]
    [Parameter(ParameterSetName = CheckpointTokenIdSet)]
    [ValidateRange(2, int.MaxValue)]
    public int? WindowLength { get; set; }

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
        if (Checkpoint is not null)
        {
            CountCheckpoint(Checkpoint);
            return;
        }
        if (Corpus is { Length: > 1 })
        {
            WriteJomaError(JomaException.Argument("CorpusAmbiguous", $"-Corpus names {Corpus.Length} folders; give one Wikitext folder (several text files only with -Checkpoint)."), Corpus);
            return;
        }
        string target = Corpus?[0] ?? ConfigPath ?? RunPath ?? "config";
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
                    _ => new TrainingConfig { Data = { Corpus = target = ResolveFilePath(Corpus![0]) } },
                };
                if (Bound(nameof(MinFrequency))) config.Data.MinFrequency = MinFrequency;
                if (Bound(nameof(MaxVocabulary))) config.Data.MaxVocabulary = MaxVocabulary;
                stream = TrainingStream.Load(config);
            }
            var options = Options(Bound(nameof(Bptt)) ? Bptt : config.Data.Bptt, Bound(nameof(BatchSize)) ? BatchSize : config.Data.BatchSize);
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

    CorpusStatisticsOptions Options(int bptt, int batchSize) => new()
    {
        Bptt = bptt, BatchSize = batchSize,
        Queries = Query, QueryCount = QueryCount, Contexts = Contexts, SelectBy = SelectBy, NextTokens = NextTokens, MinCount = MinCount,
        Drive = DriveKind, BiasCorrection = !NoBiasCorrection.IsPresent, BootstrapResamples = Bootstrap, BlockWindows = BlockWindows,
        Confidence = Confidence, Seed = Seed,
    };

    /// <summary>
    /// The counting pass over a checkpoint's windows: the text files tokenized with its tokenizer and concatenated (or the
    /// token ids), cut into windows of -WindowLength as Get-JomaAttention cuts them (one column, bptt = the window length).
    /// </summary>
    void CountCheckpoint(JomaCheckpoint checkpoint)
    {
        try
        {
            if (Bound(nameof(Bptt)) || Bound(nameof(BatchSize)) || Bound(nameof(MinFrequency)) || Bound(nameof(MaxVocabulary)))
                WriteWarning("-Bptt, -BatchSize, -MinFrequency and -MaxVocabulary do not apply with -Checkpoint (one column of windows of -WindowLength, the checkpoint's tokenizer); they are ignored.");
            int[] ids;
            string source;
            if (ParameterSetName == CheckpointTokenIdSet)
            {
                ids = TokenIds;
                source = checkpoint.Path;
            }
            else
            {
                var files = Corpus!.SelectMany(ResolveTextFiles).ToList();
                ids = CheckpointCorpus.Encode(checkpoint, files.Select(f => File.ReadAllText(f, Encoding.UTF8)));
                source = string.Join(";", files);
            }
            int length = CheckpointCorpus.WindowLength(checkpoint, WindowLength);
            WriteVerbose($"Counting {ids.Length} tokens of {checkpoint} (vocab_size {checkpoint.VocabSize}) in windows of {length}.");
            CorpusStatisticsResult result = null!;
            RunStoppable(() => result = CheckpointCorpus.Count(checkpoint, ids, length, Options(length, 1), source, PipelineStopToken));
            foreach (var (query, reason) in result.Skipped) WriteWarning($"Query '{query}' skipped: {reason}.");
            foreach (var row in result.Rows) WriteObject(row);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, checkpoint);
        }
    }

    IEnumerable<string> ResolveTextFiles(string pattern)
    {
        try
        {
            var files = GetResolvedProviderPathFromPSPath(pattern, out var provider);
            if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return files;
            throw JomaException.Argument("TextPathNotFileSystem", $"'{pattern}' is on the {provider.Name} provider; give a text file.");
        }
        catch (ItemNotFoundException)
        {
            throw new JomaException("TextFileNotFound", JomaErrorKind.ObjectNotFound, $"Text file '{pattern}' does not exist.");
        }
    }
}
