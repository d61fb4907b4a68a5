namespace JoMA.Engine.Checkpoints;

/// <summary>
/// Resolves revisions in a Hugging Face hub cache (SCIENCE.md §5):
/// <c>&lt;cache&gt;/models--ORG--NAME/refs/&lt;revision&gt;</c> holds a commit hash, and
/// <c>snapshots/&lt;commit&gt;/</c> is the model folder. A revision may also be a commit hash itself.
/// </summary>
public static class HubCache
{
    /// <summary>"EleutherAI/pythia-70m" → "models--EleutherAI--pythia-70m".</summary>
    public static string RepositoryFolderName(string model)
    {
        var parts = model.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0 || p == "." || p == ".." || p.Contains('\\')))
            throw JomaException.Argument("HubModelNameInvalid", $"'{model}' is not a hub model name. Give it as ORG/NAME, e.g. EleutherAI/pythia-70m.");
        return $"models--{parts[0]}--{parts[1]}";
    }

    /// <summary>
    /// The snapshot folder of <paramref name="revision"/>. Errors: HubCacheNotFound, HubModelNotCached,
    /// HubRevisionNotFound, HubSnapshotMissing, HubRevisionInvalid (all ObjectNotFound but the last).
    /// </summary>
    public static HubCacheSnapshot Resolve(string cacheFolder, string model, string revision)
    {
        if (!Directory.Exists(cacheFolder))
            throw new JomaException("HubCacheNotFound", JomaErrorKind.ObjectNotFound,
                $"Hub cache folder '{cacheFolder}' does not exist. Point -HubCache at the folder holding models--ORG--NAME (usually ~/.cache/huggingface/hub).");
        var repository = Path.Combine(cacheFolder, RepositoryFolderName(model));
        if (!Directory.Exists(repository))
            throw new JomaException("HubModelNotCached", JomaErrorKind.ObjectNotFound,
                $"'{cacheFolder}' has no '{Path.GetFileName(repository)}'. Download {model} into this cache first (huggingface-cli download {model} --revision <rev>).");
        // refs/<revision> may contain slashes (refs/pr/1) but must never climb out of the repository.
        if (revision.Length == 0 || Path.IsPathRooted(revision) || revision.Split('/', '\\').Any(p => p is "" or "." or ".."))
            throw JomaException.Argument("HubRevisionInvalid", $"'{revision}' is not a revision name. Give a branch or tag (main, step1000) or a commit hash.");
        var refFile = Path.Combine(repository, "refs", revision);
        string commit;
        if (File.Exists(refFile)) commit = File.ReadAllText(refFile).Trim();
        else if (Directory.Exists(Path.Combine(repository, "snapshots", revision))) commit = revision;
        else
            throw new JomaException("HubRevisionNotFound", JomaErrorKind.ObjectNotFound,
                $"Revision '{revision}' of {model} is not in the cache (no refs/{revision} and no snapshot of that name). " +
                $"Cached revisions: {string.Join(", ", CachedRevisions(repository).DefaultIfEmpty("(none)"))}.");
        if (commit.Length == 0 || commit.IndexOfAny(['/', '\\']) >= 0 || commit is "." or "..")
            throw new JomaException("HubRevisionNotFound", JomaErrorKind.InvalidData, $"'{refFile}' does not hold a commit hash. Re-download revision '{revision}'.");
        var snapshot = Path.Combine(repository, "snapshots", commit);
        if (!Directory.Exists(snapshot))
            throw new JomaException("HubSnapshotMissing", JomaErrorKind.ObjectNotFound,
                $"refs/{revision} points at commit {commit}, but snapshots/{commit} does not exist. Re-download revision '{revision}'.");
        return new HubCacheSnapshot(model, revision, commit, snapshot);
    }

    static IEnumerable<string> CachedRevisions(string repository)
    {
        var refs = Path.Combine(repository, "refs");
        return Directory.Exists(refs)
            ? Directory.EnumerateFiles(refs, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(refs, f).Replace('\\', '/')).Order(StringComparer.Ordinal)
            : [];
    }
}
