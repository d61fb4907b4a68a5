namespace JoMA.Engine.Tests;

/// <summary>Locates the shared fixtures: walk up from the test binaries to the folder holding JoMA.PowerShell.sln, then ../shared/fixtures.</summary>
internal static class FixturePaths
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "JoMA.PowerShell.sln"))) return dir.FullName;
            throw new InvalidOperationException("JoMA.PowerShell.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The small real-English Wikitext-format corpus the project ships (tests/data/tiny-wikitext/README.md).</summary>
    public static string TinyWikitext => Path.Combine(RepositoryRoot, "tests", "data", "tiny-wikitext");

    public static string HfReference => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "hf-reference"));
}
