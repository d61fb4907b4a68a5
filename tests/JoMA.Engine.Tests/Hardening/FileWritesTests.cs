namespace JoMA.Engine.Tests.Hardening;

/// <summary>Issue 19: every file-system failure is a WriteError JomaException naming the user's path, with no partial file left.</summary>
public class FileWritesTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("joma-writes-").FullName;

    public void Dispose()
    {
        foreach (var d in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void MissingFolderNamesTheUsersPathNotTheTemporaryFile()
    {
        var path = Path.Combine(folder, "no-such-folder", "plot.png");
        var e = Assert.Throws<JomaException>(() => FileWrites.WriteAllText(path, "x"));
        Assert.Equal("WriteFailed", e.ErrorId);
        Assert.Equal(JomaErrorKind.WriteError, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
    }

    [Fact]
    public void FailureDeletesThePartialFiles()
    {
        var partial = Path.Combine(folder, "step.partial");
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Combine(partial, "model.safetensors"), "half");
        var e = Assert.Throws<JomaException>(() => FileWrites.Guard(Path.Combine(folder, "step"), () => throw new IOException("No space left on device"), partial));
        Assert.Contains("disk is full", e.Message);
        Assert.False(Directory.Exists(partial));
    }

    [Fact]
    public void CancellationAlsoDeletesThePartialFilesAndStaysACancellation()
    {
        var partial = Path.Combine(folder, "p.tmp");
        File.WriteAllText(partial, "half");
        Assert.Throws<OperationCanceledException>(() => FileWrites.Guard(partial, () => throw new OperationCanceledException(), partial));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public void ReadOnlyFolderIsAPermissionError()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root") return; // root writes anywhere
        var readOnly = Directory.CreateDirectory(Path.Combine(folder, "ro")).FullName;
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var path = Path.Combine(readOnly, "config.yaml");
        var e = Assert.Throws<JomaException>(() => new JoMA.Engine.Config.TrainingConfig().Save(path));
        Assert.Equal(JomaErrorKind.WriteError, e.Kind);
        Assert.Contains("permission denied", e.Message);
        Assert.Empty(Directory.GetFiles(readOnly));
    }
}
