using JoMA.Engine.Config;
using JoMA.Engine.Hierarchy;
using JoMA.Engine.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace JoMA.Engine.Training;

/// <summary>
/// Opens a hierarchical-task checkpoint (a checkpoints/step-N folder, or a run folder for its newest one):
/// verifies its hashes and rebuilds the model from the run's config.yaml and tree.json.
/// </summary>
public sealed record HierarchicalCheckpoint(string Folder, string Run, long Step, LatentTree Tree, HierarchicalModelOptions Options)
{
    public static HierarchicalCheckpoint Open(string path)
    {
        string checkpointFolder;
        RunFolder run;
        if (File.Exists(Path.Combine(path, "state.json")))
        {
            checkpointFolder = Path.GetFullPath(path);
            run = new RunFolder(Path.GetDirectoryName(Path.GetDirectoryName(checkpointFolder)!)!);
        }
        else
        {
            run = new RunFolder(path);
            checkpointFolder = run.LatestCheckpoint()?.Folder
                ?? throw new JomaException("CheckpointNotFound", JomaErrorKind.ObjectNotFound, $"'{path}' is neither a checkpoint folder (with state.json) nor a run folder with checkpoints.");
        }
        var state = RunFolder.ReadVerifiedState(checkpointFolder);
        if (!File.Exists(run.ConfigPath) || !File.Exists(run.TreePath))
            throw new JomaException("NotHierarchicalRun", JomaErrorKind.InvalidData,
                $"'{run.Path}' has no config.yaml and tree.json beside its checkpoints: it is not a hierarchical-task run of Start-JomaTraining -Task Hierarchical.");
        var config = TrainingConfig.Load(run.ConfigPath);
        var tree = LatentTreeFile.Load(run.TreePath);
        return new HierarchicalCheckpoint(checkpointFolder, config.Run ?? Path.GetFileName(run.Path), state.Step, tree, HierarchicalTrainer.ModelOptions(config, tree));
    }

    public HierarchicalClassifier LoadModel(Device device)
    {
        var model = new HierarchicalClassifier(Options);
        model.load_safetensors(Path.Combine(Folder, "model.safetensors"));
        model.to(device);
        return model;
    }
}
