namespace JoMA.Engine.Checkpoints;

/// <summary>One revision of a model in a Hugging Face hub cache: the snapshot folder that revision points at.</summary>
public sealed record HubCacheSnapshot(string Model, string Revision, string Commit, string Folder);
