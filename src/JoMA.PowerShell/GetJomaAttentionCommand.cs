using System.Diagnostics;
using System.Management.Automation;
using System.Text;
using JoMA.Engine;
using JoMA.Engine.Checkpoints;
using JoMA.Engine.Metrics;
using JoMA.Engine.Models;
using JoMA.Engine.Native;
using JoMA.Engine.Text;

namespace JoMA.PowerShell;

/// <summary>
/// Runs text (or token ids) through a checkpoint in windows and writes one AttentionSample per window: per-layer
/// sparsity statistics always, the causal attention maps unless -ReduceOnly. Stops at a window boundary on Ctrl-C.
/// </summary>
[Cmdlet(VerbsCommon.Get, "JomaAttention", DefaultParameterSetName = TextSet)]
[OutputType(typeof(AttentionSample))]
public sealed class GetJomaAttentionCommand : JomaCmdlet
{
    const string TextSet = "Text", PathSet = "Path", TokenIdSet = "TokenId";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public JomaCheckpoint? Checkpoint { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = TextSet, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] Text { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = TokenIdSet)]
    public int[] TokenId { get; set; } = [];

    [Parameter]
    public int? WindowLength { get; set; }

    [Parameter]
    public int? MaxWindows { get; set; }

    [Parameter]
    public int[]? Layer { get; set; }

    [Parameter]
    public int[]? Head { get; set; }

    [Parameter]
    public SwitchParameter ReduceOnly { get; set; }

    [Parameter]
    public DevicePreference Device { get; set; } = DevicePreference.Auto;

    /// <summary>Text arriving through the pipeline (Get-Content lines) is joined and run once the input ends.</summary>
    bool textFromPipeline;
    readonly List<string> pipedLines = [];
    /// <summary>-Checkpoint was given as an argument (checked before pipeline binding, which also lands in BoundParameters).</summary>
    bool checkpointArgument;

    protected override void BeginProcessing()
    {
        EnsureTorch();
        checkpointArgument = MyInvocation.BoundParameters.ContainsKey(nameof(Checkpoint));
        textFromPipeline = ParameterSetName == TextSet && checkpointArgument && MyInvocation.ExpectingInput;
    }

    protected override void ProcessRecord()
    {
        if (textFromPipeline)
        {
            pipedLines.AddRange(Text);
            return;
        }
        // A checkpoint streaming through (Get-ChildItem step* | Import-JomaCheckpoint | …) is unloaded again once its
        // windows are written, so a pipeline over many revisions holds one model at a time, not all of them.
        bool unloadAfter = !checkpointArgument && !Checkpoint!.IsLoaded;
        try { RunInput(); }
        finally { if (unloadAfter) Checkpoint!.Unload(); }
    }

    void RunInput()
    {
        switch (ParameterSetName)
        {
            case PathSet:
                foreach (var pattern in Path)
                    foreach (var file in ResolveTextFiles(pattern))
                        RunText(File.ReadAllText(file, Encoding.UTF8), file);
                break;
            case TokenIdSet:
                Run(Checkpoint!, TokenId, "-TokenId");
                break;
            default:
                RunText(string.Join("\n", Text), "-Text");
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (textFromPipeline) RunText(string.Join("\n", pipedLines), "pipeline text");
    }

    IEnumerable<string> ResolveTextFiles(string pattern)
    {
        try
        {
            var files = GetResolvedProviderPathFromPSPath(pattern, out var provider);
            if (provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) return files;
            WriteJomaError(JomaException.Argument("TextPathNotFileSystem", $"'{pattern}' is on the {provider.Name} provider; give a text file."), pattern);
        }
        catch (ItemNotFoundException)
        {
            WriteJomaError(new JomaException("TextFileNotFound", JomaErrorKind.ObjectNotFound, $"Text file '{pattern}' does not exist."), pattern);
        }
        return [];
    }

    void RunText(string text, string origin)
    {
        var checkpoint = Checkpoint!;
        if (string.IsNullOrWhiteSpace(text))
        {
            WriteJomaError(JomaException.Argument("TextEmpty", $"The text from {origin} is empty. Give some text, a non-empty file, or token ids with -TokenId."), origin);
            return;
        }
        int[] ids;
        try
        {
            var tokenizer = checkpoint.GetTokenizer();
            WriteVerbose($"Tokenizer: {tokenizer.Description}");
            ids = tokenizer.Encode(text);
        }
        catch (JomaException e)
        {
            WriteJomaError(e, origin);
            return;
        }
        Run(checkpoint, ids, origin);
    }

    void Run(JomaCheckpoint checkpoint, int[] ids, string origin)
    {
        if (ids.Length == 0)
        {
            WriteJomaError(JomaException.Argument("TokenSequenceEmpty", $"{origin} gave no tokens. Give at least one token id or some text."), origin);
            return;
        }
        AttentionExtractor extractor;
        try
        {
            var model = checkpoint.GetModel(out bool loadedNow);
            if (loadedNow)
            {
                WriteVerbose($"Loaded {checkpoint} ({checkpoint.Parameters:N0} parameters, held as {checkpoint.DType}).");
                foreach (var warning in model.Warnings) WriteWarning($"{checkpoint}: {warning}");
            }
            var device = ComputeDevice.Resolve(Device);
            if (model.Device.type != device.type)
            {
                WriteVerbose($"Moving {checkpoint} to {device}.");
                model.MoveTo(device);
            }
            extractor = new AttentionExtractor(checkpoint, model, TryTokenizer(checkpoint), new AttentionExtractionOptions
            {
                WindowLength = WindowLength, MaxWindows = MaxWindows, Layers = Layer, Heads = Head, ReduceOnly = ReduceOnly,
            });
        }
        catch (JomaException e)
        {
            WriteJomaError(e, checkpoint);
            return;
        }

        int total = extractor.WindowCount(ids.Length), done = 0;
        var clock = Stopwatch.StartNew();
        var throttle = new ProgressThrottle();
        var progress = new ProgressRecord(2, "Get-JomaAttention", $"{checkpoint}: {ids.Length} tokens in {total} window(s) of {extractor.WindowLength}");
        foreach (var window in extractor.Windows(ids))
        {
            if (Stopping || PipelineStopToken.IsCancellationRequested) throw new PipelineStoppedException(); // at a window boundary
            progress.PercentComplete = 100 * done / total;
            progress.SecondsRemaining = done > 0 ? (int)(clock.Elapsed.TotalSeconds / done * (total - done)) : -1;
            progress.CurrentOperation = $"window {done + 1} of {total}";
            if (throttle.Due()) WriteProgress(progress);
            AttentionSample sample;
            try { sample = extractor.Run(done, window); }
            catch (JomaException e)
            {
                WriteJomaError(e, checkpoint);
                return;
            }
            WriteObject(sample);
            done++;
        }
        WriteProgress(new ProgressRecord(2, "Get-JomaAttention", "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>The tokenizer for decoding token strings; token ids alone need none, so a missing one is not an error.</summary>
    static ITextTokenizer? TryTokenizer(JomaCheckpoint checkpoint)
    {
        try { return checkpoint.GetTokenizer(); }
        catch (JomaException) { return null; }
    }
}
