namespace JoMA.Engine;

/// <summary>What kind of failure an engine error is; the cmdlets map it onto PowerShell's ErrorCategory.</summary>
public enum JomaErrorKind
{
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    NotImplemented,
    ResourceUnavailable,
    InvalidOperation,
    LimitsExceeded,
    /// <summary>The file system refused a write (read-only folder, full disk, permissions).</summary>
    WriteError,
}

/// <summary>
/// An error the engine can explain to a user: a stable id (becomes the ErrorRecord's ErrorId),
/// a kind (becomes its category) and a message that says what was wrong and what to do.
/// </summary>
public sealed class JomaException : Exception
{
    public JomaException(string errorId, JomaErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public string ErrorId { get; }
    public JomaErrorKind Kind { get; }

    public static JomaException Argument(string errorId, string message) => new(errorId, JomaErrorKind.InvalidArgument, message);
}
