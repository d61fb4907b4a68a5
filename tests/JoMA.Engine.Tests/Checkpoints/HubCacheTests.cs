using JoMA.Engine.Checkpoints;
using JoMA.Engine.Tests.Text;

namespace JoMA.Engine.Tests.Checkpoints;

public class HubCacheTests
{
    const string Commit1000 = "1111111111111111111111111111111111111111", Commit2000 = "2222222222222222222222222222222222222222";

    static TemporaryFolder MakeCache()
    {
        var cache = new TemporaryFolder();
        cache.Write("models--Org--tiny/refs/step1000", Commit1000 + "\n");
        cache.Write("models--Org--tiny/refs/step2000", Commit2000);
        cache.Write($"models--Org--tiny/snapshots/{Commit1000}/config.json", "{}");
        cache.Write($"models--Org--tiny/snapshots/{Commit2000}/config.json", "{}");
        cache.Write("models--Org--tiny/refs/broken", "3333333333333333333333333333333333333333");
        return cache;
    }

    [Fact]
    public void Resolve_FollowsRefsToTheSnapshotOfTheirCommit()
    {
        using var cache = MakeCache();
        var snapshot = HubCache.Resolve(cache.Path, "Org/tiny", "step1000");
        Assert.Equal(Commit1000, snapshot.Commit);
        Assert.Equal(Path.Combine(cache.Path, "models--Org--tiny", "snapshots", Commit1000), snapshot.Folder);
        Assert.Equal("step1000", snapshot.Revision);
        Assert.Equal(Commit2000, HubCache.Resolve(cache.Path, "Org/tiny", "step2000").Commit);
    }

    [Fact]
    public void Resolve_AcceptsACommitHashAsRevision()
    {
        using var cache = MakeCache();
        Assert.Equal(Commit2000, HubCache.Resolve(cache.Path, "Org/tiny", Commit2000).Commit);
    }

    [Theory]
    [InlineData("Org/tiny", "step3000", "HubRevisionNotFound")]
    [InlineData("Org/tiny", "broken", "HubSnapshotMissing")]
    [InlineData("Org/other", "main", "HubModelNotCached")]
    [InlineData("tiny", "main", "HubModelNameInvalid")]
    [InlineData("Org/..", "main", "HubModelNameInvalid")]
    [InlineData("Org/tiny", "../../x", "HubRevisionInvalid")]
    public void Resolve_RefusesWhatIsNotThere(string model, string revision, string errorId)
    {
        using var cache = MakeCache();
        Assert.Equal(errorId, Assert.Throws<JomaException>(() => HubCache.Resolve(cache.Path, model, revision)).ErrorId);
    }

    [Fact]
    public void Resolve_MissingCacheFolder_IsHubCacheNotFound()
    {
        var e = Assert.Throws<JomaException>(() => HubCache.Resolve("/nonexistent-joma-cache", "Org/tiny", "main"));
        Assert.Equal("HubCacheNotFound", e.ErrorId);
        Assert.Equal(JomaErrorKind.ObjectNotFound, e.Kind);
    }

    [Theory]
    [InlineData("step0", 0L)]
    [InlineData("step143000", 143000L)]
    [InlineData("main", null)]
    [InlineData("step", null)]
    [InlineData("step12a", null)]
    [InlineData(null, null)]
    public void RevisionStep_ParsesPythiaBranchNames(string? revision, long? step) => Assert.Equal(step, RevisionStep.Parse(revision));
}
