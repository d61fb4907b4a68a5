namespace JoMA.Engine;

/// <summary>
/// Every file the engine writes goes through here: a failure of the file system (read-only folder, full
/// disk, missing folder, permission) becomes a <see cref="JomaException"/> of kind WriteError that names the
/// user's path (never an internal temporary file) and says what to do, and the partial files are deleted.
/// </summary>
public static class FileWrites
{
    /// <summary>Writes <paramref name="path"/> through a temporary file beside it (renamed when complete); on failure nothing is left behind.</summary>
    public static void WriteAtomically(string path, Action<string> writeTemporary)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        Guard(path, () =>
        {
            writeTemporary(temp);
            File.Move(temp, path, overwrite: true);
        }, temp);
    }

    /// <summary>Writes text atomically (see <see cref="WriteAtomically(string, Action{string})"/>).</summary>
    public static void WriteAllText(string path, string text) => WriteAtomically(path, temp => File.WriteAllText(temp, text));

    /// <summary>
    /// Runs <paramref name="write"/>; an IOException or UnauthorizedAccessException from it deletes <paramref name="partials"/>
    /// (files or folders) and becomes a JomaException naming <paramref name="userPath"/>. Any other exception (cancellation
    /// included) also deletes the partials and is rethrown as it is.
    /// </summary>
    public static void Guard(string userPath, Action write, params string[] partials)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Delete(partials);
            throw Failure(userPath, e, partials);
        }
        catch
        {
            Delete(partials);
            throw;
        }
    }

    public static T Guard<T>(string userPath, Func<T> write, params string[] partials)
    {
        T result = default!;
        Guard(userPath, () => { result = write(); }, partials);
        return result;
    }

    /// <summary>The JomaException for a failed write of <paramref name="userPath"/>: what went wrong, in words, and what to do.</summary>
    public static JomaException Failure(string userPath, Exception e, params string[] internalPaths)
    {
        var (reason, advice) = Explain(e);
        if (reason is null)
        {
            reason = e.Message;
            foreach (var p in internalPaths.Where(p => p.Length > 0)) reason = reason.Replace(p, userPath);
            reason = reason.TrimEnd('.');
        }
        return new JomaException("WriteFailed", JomaErrorKind.WriteError, $"Cannot write '{userPath}': {reason}. {advice}", e);
    }

    static (string? Reason, string Advice) Explain(Exception e)
    {
        if (e is UnauthorizedAccessException || e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
            return ("permission denied (the folder is read-only or not yours)", "Choose a writable folder, or change its permissions.");
        if (IsDiskFull(e))
            return ("the disk is full", "Free space on that disk, or write somewhere else; nothing partial was kept.");
        if (e is DirectoryNotFoundException)
            return ("its folder does not exist", "Create the folder first, or choose another path.");
        return (null, "Check the path and that its folder is writable.");
    }

    static bool IsDiskFull(Exception e)
    {
        const int EnoSpc = 28, ErrorDiskFull = 0x70, ErrorHandleDiskFull = 0x27;
        var code = e.HResult & 0xFFFF;
        return code is EnoSpc or ErrorDiskFull or ErrorHandleDiskFull
            || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("not enough space", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Deletes files or folders, quietly (cleanup must not hide the error that caused it).</summary>
    public static void Delete(params string[] paths)
    {
        foreach (var p in paths)
        {
            try
            {
                if (File.Exists(p)) File.Delete(p);
                else if (Directory.Exists(p)) Directory.Delete(p, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}
