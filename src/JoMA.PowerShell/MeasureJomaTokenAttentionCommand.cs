using System.Diagnostics;
using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Checkpoints;
using JoMA.Engine.Theory;

namespace JoMA.PowerShell;

/// <summary>
/// Which context tokens a trained checkpoint attends to, for the queries and tokens of corpus statistics (SCIENCE.md §7):
/// per run folder (every checkpoint, in step order) or checkpoint folder, one TokenAttention row per query and token,
/// written as each checkpoint is measured. Statistics piped in are collected and measured once the input ends.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "JomaTokenAttention", DefaultParameterSetName = RunSet)]
[OutputType(typeof(TokenAttention))]
public sealed class MeasureJomaTokenAttentionCommand : JomaCmdlet
{
    const string RunSet = "Run", CheckpointTextSet = "CheckpointText", CheckpointTokenIdSet = "CheckpointTokenId";

    /// <summary>Run folders or checkpoint folders; Start-JomaTraining snapshots bind their CheckpointPath. With -Checkpoint: text files.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = RunSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CheckpointTextSet)]
    [Alias("CheckpointPath", "PSPath")]
    [AllowNull, AllowEmptyCollection]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CorpusTokenStatistic[] Statistics { get; set; } = [];

    [Parameter] [ValidateRange(0, int.MaxValue)] public int Layer { get; set; }
    [Parameter] public SwitchParameter PerHead { get; set; }
    [Parameter(ParameterSetName = RunSet)] public ProbeSplit Split { get; set; } = ProbeSplit.Validation;
    [Parameter] [ValidateRange(1, int.MaxValue)] public int MaxWindows { get; set; } = 100;

    /// <summary>A pretrained checkpoint (Import-JomaCheckpoint) whose attention on the text (or token ids) is measured.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CheckpointTextSet, ValueFromPipeline = true)]
    [Parameter(Mandatory = true, ParameterSetName = CheckpointTokenIdSet, ValueFromPipeline = true)]
    public JomaCheckpoint? Checkpoint { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CheckpointTokenIdSet)]
    [Alias("TokenId")]
    public int[] TokenIds { get; set; } = [];

    /// <summary>Tokens per window with -Checkpoint; default the statistics' Bptt (their window length), else max_position_embeddings.</summary>
    [Parameter(ParameterSetName = CheckpointTextSet)]
    [Parameter(ParameterSetName = CheckpointTokenIdSet)]
    [ValidateRange(2, int.MaxValue)]
    public int? WindowLength { get; set; }

    bool CheckpointSet => ParameterSetName != RunSet;
    /// <summary>-Checkpoint given as an argument: stays loaded; one streaming through is unloaded once measured.</summary>
    bool checkpointArgument;
    IReadOnlyCollection<CorpusTokenStatistic> statisticsUsed = [];

    bool statisticsFromPipeline;
    readonly List<CorpusTokenStatistic> pipedStatistics = [];
    readonly List<string> pipedPaths = [];
    TokenAttentionMeasurement? measurement;
    readonly HashSet<(string, string, string)> warned = [];

    TokenAttentionOptions Options => new() { Layer = Layer, PerHead = PerHead, Split = Split, MaxWindows = MaxWindows };

    protected override void BeginProcessing()
    {
        EnsureTorch();
        statisticsFromPipeline = !MyInvocation.BoundParameters.ContainsKey(nameof(Statistics));
        checkpointArgument = MyInvocation.BoundParameters.ContainsKey(nameof(Checkpoint));
        if (!statisticsFromPipeline) measurement = Create(Statistics);
    }

    protected override void ProcessRecord()
    {
        if (statisticsFromPipeline)
        {
            pipedStatistics.AddRange(Statistics.Where(s => s is not null));
            if (Path is { } paths) pipedPaths.AddRange(paths.Where(p => !pipedPaths.Contains(p)));
            return;
        }
        if (CheckpointSet)
        {
            MeasureCheckpoint(Checkpoint!, Path);     // each checkpoint piped in (a revision scan), or the one given
            return;
        }
        MeasurePaths(Path);
    }

    protected override void EndProcessing()
    {
        if (!statisticsFromPipeline) return;
        measurement = Create(pipedStatistics);
        if (CheckpointSet) MeasureCheckpoint(Checkpoint!, pipedPaths.ToArray());
        else MeasurePaths(pipedPaths.ToArray());
    }

    /// <summary>
    /// A pretrained checkpoint on the text files (tokenized with its tokenizer and concatenated) or the token ids, in windows
    /// cut as Get-JomaAttention and Measure-JomaCorpusStatistics -Checkpoint cut them.
    /// </summary>
    void MeasureCheckpoint(JomaCheckpoint checkpoint, string[]? textPaths)
    {
        bool unloadAfter = !checkpointArgument && !checkpoint.IsLoaded;
        try
        {
            int[] ids = ParameterSetName == CheckpointTokenIdSet
                ? TokenIds
                : CheckpointCorpus.Encode(checkpoint, (textPaths ?? []).SelectMany(ResolveTextFiles).Select(f => File.ReadAllText(f, System.Text.Encoding.UTF8)).ToList());
            var bptts = statisticsUsed.Select(s => s.Bptt).Where(b => b > 0).Distinct().ToList();
            int? counted = bptts.Count == 1 ? bptts[0] : null;
            if (WindowLength is { } asked && counted is { } bptt && asked != bptt)
                WriteWarning($"-WindowLength {asked} differs from the window length the statistics were counted with ({bptt}): the contexts measured are not the contexts counted.");
            int length = CheckpointCorpus.WindowLength(checkpoint, WindowLength ?? (counted is { } c && c <= checkpoint.MaxPositions ? c : null));
            WriteVerbose($"{checkpoint}: layer {Layer} on the first {MaxWindows} window(s) of {length} of {ids.Length} tokens.");
            TokenAttentionResult? result = null;
            RunStoppable(() => result = measurement!.Measure(checkpoint, ids, length, PipelineStopToken));
            foreach (var group in result!.Skipped.GroupBy(s => (s.Query, s.Reason)))
            {
                var heads = group.Any(s => s.Head < 0) ? "" : $" (head {string.Join(", ", group.Select(s => s.Head))})";
                WriteWarning($"{checkpoint}: query '{group.Key.Query}'{heads} has no rows and was skipped: {group.Key.Reason}.");
            }
            WriteObject(result.Rows, enumerateCollection: true);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, checkpoint);
        }
        finally
        {
            if (unloadAfter) checkpoint.Unload();
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

    TokenAttentionMeasurement Create(IReadOnlyCollection<CorpusTokenStatistic> statistics)
    {
        try
        {
            if (statistics.Count == 0)
                throw JomaException.Argument("QueriesMissing", "No corpus statistics arrived: give -Statistics (rows of Measure-JomaCorpusStatistics) naming the queries and tokens to measure.");
            statisticsUsed = statistics;
            return TokenAttentionMeasurement.FromStatistics(statistics, Options);
        }
        catch (JomaException e)
        {
            ThrowTerminating(e);
            throw; // not reached
        }
    }

    void MeasurePaths(string[]? paths)
    {
        if (paths is null || paths.Length == 0 || paths.All(string.IsNullOrEmpty))
        {
            WriteJomaError(new JomaException("CheckpointPathMissing", JomaErrorKind.InvalidArgument,
                "This input names no run or checkpoint folder (a Start-JomaTraining snapshot of a run without -OutputDirectory has none). Train with -OutputDirectory, or give -Path."));
            return;
        }
        foreach (var path in paths.Where(p => !string.IsNullOrEmpty(p)))
            foreach (var folder in Resolve(path))
                MeasureFolder(folder);
    }

    /// <summary>A path as given when it exists (a snapshot's CheckpointPath is literal), else its wildcard matches.</summary>
    IEnumerable<string> Resolve(string path)
    {
        var literal = ResolveFilePath(path);
        if (Directory.Exists(literal) || File.Exists(literal) || !WildcardPattern.ContainsWildcardCharacters(path)) return [literal];
        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                WriteJomaError(JomaException.Argument("RunPathNotFileSystem", $"'{path}' is on the {provider.Name} provider; give a run or checkpoint folder."), path);
                return [];
            }
            if (resolved.Count > 0) return resolved;
        }
        catch (ItemNotFoundException) { }
        WriteJomaError(new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound,
            $"No folder matches '{path}'. Give a run folder written by Start-JomaTraining or one of its checkpoints/step-N folders."), path);
        return [];
    }

    void MeasureFolder(string folder)
    {
        IReadOnlyList<LanguageModelCheckpoint> checkpoints;
        try { checkpoints = measurement!.Checkpoints(folder); }
        catch (JomaException e)
        {
            WriteJomaError(e, folder);
            return;
        }
        var run = checkpoints[0].Run;
        WriteVerbose($"{run.Name}: {checkpoints.Count} checkpoint(s) from {folder}; layer {Layer} on the first {MaxWindows} window(s) of the {Split} split " +
                     $"({run.Config.Data.EvalBatchSize} sequences of {run.Config.Data.Bptt} tokens each).");
        var progress = new ProgressRecord(3, "Measure-JomaTokenAttention", $"{run.Name}: {checkpoints.Count} checkpoint(s)");
        var clock = Stopwatch.StartNew();
        for (int done = 0; done < checkpoints.Count; done++)
        {
            if (Stopping || PipelineStopToken.IsCancellationRequested) throw new PipelineStoppedException();
            var checkpoint = checkpoints[done];
            progress.PercentComplete = 100 * done / checkpoints.Count;
            progress.SecondsRemaining = done > 0 ? (int)(clock.Elapsed.TotalSeconds / done * (checkpoints.Count - done)) : -1;
            progress.CurrentOperation = $"step {checkpoint.Step}";
            WriteProgress(progress);
            TokenAttentionResult? result = null;
            try { RunStoppable(() => result = measurement!.Measure(checkpoint, PipelineStopToken)); }
            catch (JomaException e)
            {
                WriteJomaError(e, checkpoint.Folder);   // a damaged checkpoint: the others are still measured
                continue;
            }
            WarnSkipped(checkpoint, result!);
            WriteObject(result!.Rows, enumerateCollection: true);
        }
        WriteProgress(new ProgressRecord(3, "Measure-JomaTokenAttention", "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>One warning per run, query and reason (not one per checkpoint and head).</summary>
    void WarnSkipped(LanguageModelCheckpoint checkpoint, TokenAttentionResult result)
    {
        foreach (var group in result.Skipped.GroupBy(s => (s.Query, s.Reason)))
        {
            if (!warned.Add((checkpoint.Run.Folder.Path, group.Key.Query, group.Key.Reason))) continue;
            var heads = group.Any(s => s.Head < 0) ? "" : $" (head {string.Join(", ", group.Select(s => s.Head))})";
            WriteWarning($"{checkpoint}: query '{group.Key.Query}'{heads} has no rows and was skipped: {group.Key.Reason}.");
        }
    }
}
