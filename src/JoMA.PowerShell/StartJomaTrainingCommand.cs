using System.Diagnostics;
using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Config;
using JoMA.Engine.Hierarchy;
using JoMA.Engine.Training;

namespace JoMA.PowerShell;

/// <summary>What Start-JomaTraining trains (the config stores it as text, for YAML).</summary>
public enum TrainingTask { LanguageModel, Hierarchical }

/// <summary>
/// Trains the reference Transformer language model (or a variant) on Wikitext-format text and streams a
/// JomaTrainingSnapshot at step 0 and every -EvaluateEvery minibatches; with -Task Hierarchical, trains the
/// authors' classifier on a latent tree and streams JomaHierarchySnapshots. Checkpoints and metrics go to
/// -OutputDirectory; -ResumeFrom continues a run exactly where it stopped.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "JomaTraining", SupportsShouldProcess = true, DefaultParameterSetName = "New")]
[OutputType(typeof(JomaTrainingSnapshot), typeof(JomaHierarchySnapshot))]
public sealed class StartJomaTrainingCommand : TrainingConfigCmdlet
{
    [Parameter(ParameterSetName = "New")]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>A config object (Import-JomaConfig, New-JomaConfig) from the pipeline.</summary>
    [Parameter(ParameterSetName = "New", ValueFromPipeline = true)]
    public TrainingConfig? Config { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Resume")]
    [ValidateNotNullOrEmpty]
    public string? ResumeFrom { get; set; }

    [Parameter(ParameterSetName = "New")]
    public SwitchParameter Force { get; set; }

    [Parameter] public TrainingTask Task { get; set; }

    /// <summary>The latent tree of the hierarchical task (implies -Task Hierarchical).</summary>
    [Parameter(ParameterSetName = "New")] public LatentTree? LatentTree { get; set; }

    protected override void ProcessRecord()
    {
        TrainingConfig config;
        bool resume = ParameterSetName == "Resume";
        try
        {
            if (resume)
            {
                var folder = new RunFolder(ResolveFilePath(ResumeFrom!));
                if (!File.Exists(folder.ConfigPath))
                    throw new JomaException("RunNotFound", JomaErrorKind.ObjectNotFound, $"'{folder.Path}' holds no training run (no config.yaml) to resume.");
                config = TrainingConfig.Load(folder.ConfigPath);
                config.Training.OutputDirectory = folder.Path;
            }
            else config = Config?.Clone() ?? (ConfigPath is not null ? LoadConfigFile(ConfigPath) : new TrainingConfig());
            ApplyOverrides(config);
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Task)))
                config.Task = Task == TrainingTask.Hierarchical ? TrainingConfig.TaskNames.Hierarchical : TrainingConfig.TaskNames.LanguageModel;
            else if (LatentTree is not null) config.Task = TrainingConfig.TaskNames.Hierarchical;
            if (LatentTree is not null)
            {
                if (!config.IsHierarchicalTask()) throw JomaException.Argument("LatentTreeNeedsHierarchicalTask", "-LatentTree goes with -Task Hierarchical.");
                config.Hierarchy.Tree = LatentTree.Spec.Clone();
            }
            if (resume) config.Training.OutputDirectory = new RunFolder(ResolveFilePath(ResumeFrom!)).Path;
            if (config.IsHierarchicalTask()) HierarchicalTrainer.Validate(config, treeGiven: LatentTree is not null);
            else Trainer.Validate(config);
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, ConfigPath ?? ResumeFrom);
            return;
        }

        var output = config.Training.OutputDirectory;
        var action = resume ? "Resume training from the newest checkpoint" : Force ? "Train a model, replacing the run there" : "Train a model and write checkpoints";
        // -WhatIf never trains, with or without a folder to write.
        if (!ShouldProcess(output ?? "a model in memory (no -OutputDirectory: nothing written)", output is null ? "Train a model" : action)) return;
        if (output is null) WriteVerbose("No -OutputDirectory: nothing is written to disk (no checkpoints, no resume).");

        EnsureTorch();
        var progress = new ProgressRecord(1, "Start-JomaTraining", "Starting");
        var throttle = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        try
        {
            if (config.IsHierarchicalTask())
            {
                TrainHierarchical(config, resume, progress, throttle, clock);
                return;
            }
            var trainer = new Trainer(config, resume, Force.IsPresent, WriteVerbose, WriteWarning);
            RunStoppable(() => trainer.Run(
                snapshot =>
                {
                    WriteVerbose($"Step {snapshot.Step}: validation loss {snapshot.ValidationLoss:F4}, layer entropy {snapshot.LayerEntropy}.");
                    WriteObject(snapshot);
                },
                p =>
                {
                    if (throttle.ElapsedMilliseconds < 250 && p.Step != p.TotalSteps) return;
                    throttle.Restart();
                    progress.Activity = $"Start-JomaTraining {trainer.RunName}";
                    progress.StatusDescription = $"step {p.Step}/{p.TotalSteps}, epoch {p.Epoch}, loss {p.TrainLoss:F3}, {p.TokensPerSecond:F0} tokens/s";
                    progress.PercentComplete = (int)Math.Min(100, 100.0 * p.Step / Math.Max(1, p.TotalSteps));
                    progress.SecondsRemaining = p.Step > 0 ? (int)(clock.Elapsed.TotalSeconds / p.Step * (p.TotalSteps - p.Step)) : -1;
                    WriteProgress(progress);
                },
                PipelineStopToken));
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, output);
        }
        catch (PipelineStoppedException)
        {
            // Write* no longer works once the pipeline stops; the host still shows a line.
            Host.UI.WriteWarningLine(output is null
                ? "Start-JomaTraining was interrupted. Nothing was written (no -OutputDirectory), so there is nothing to resume."
                : $"Start-JomaTraining was interrupted. Completed checkpoints stay in '{output}'; continue with: Start-JomaTraining -ResumeFrom '{output}'");
            throw;
        }
        finally
        {
            if (!Stopping) WriteProgress(new ProgressRecord(1, "Start-JomaTraining", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    void TrainHierarchical(TrainingConfig config, bool resume, ProgressRecord progress, Stopwatch throttle, Stopwatch clock)
    {
        var trainer = new HierarchicalTrainer(config, LatentTree, resume, Force.IsPresent, WriteVerbose);
        RunStoppable(() => trainer.Run(
            snapshot =>
            {
                WriteVerbose($"Step {snapshot.Step}: evaluation loss {snapshot.EvaluationLoss:F4}, accuracy {snapshot.Accuracy:P1}.");
                WriteObject(snapshot);
            },
            p =>
            {
                if (throttle.ElapsedMilliseconds < 250 && p.Step != p.TotalSteps) return;
                throttle.Restart();
                progress.Activity = $"Start-JomaTraining {trainer.RunName} (hierarchical)";
                progress.StatusDescription = $"step {p.Step}/{p.TotalSteps}, loss {p.TrainLoss:F3}, {p.TokensPerSecond:F0} tokens/s";
                progress.PercentComplete = (int)Math.Min(100, 100.0 * p.Step / Math.Max(1, p.TotalSteps));
                progress.SecondsRemaining = p.Step > 0 ? (int)(clock.Elapsed.TotalSeconds / p.Step * (p.TotalSteps - p.Step)) : -1;
                WriteProgress(progress);
            },
            PipelineStopToken));
    }
}
