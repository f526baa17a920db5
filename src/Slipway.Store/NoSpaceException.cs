namespace Slipway.Store;

/// <summary>The store's filesystem is full (ENOSPC) or the user's quota is used up (EDQUOT) while writing
/// <see cref="Path"/>. Its own type so that nobody retries it as if the network had failed, and its message says
/// what happened and where rather than the bare errno text.</summary>
public sealed class NoSpaceException : StoreException
{
    public const string ErrorCode = "store.no-space";

    private const int Enospc = 28;
    private const int Edquot = 122;

    public NoSpaceException()
    {
    }

    public NoSpaceException(string message)
        : base(message)
    {
    }

    public NoSpaceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private NoSpaceException(string path, IOException cause)
        : base($"{(cause.HResult == Edquot ? "disk quota exceeded" : "no space left on device")} writing {path}", cause)
    {
        Path = path;
        HResult = cause.HResult;
    }

    public string? Path { get; }

    public override string Code => ErrorCode;

    /// <summary>On Unix .NET puts the errno of an unmapped error in <see cref="Exception.HResult"/>.</summary>
    public static bool IsOutOfSpace(Exception exception) =>
        exception is IOException { HResult: Enospc or Edquot };

    /// <summary><paramref name="exception"/> as a <see cref="NoSpaceException"/> naming <paramref name="path"/> when the
    /// disk is full, otherwise null.</summary>
    public static NoSpaceException? For(Exception exception, string path) =>
        IsOutOfSpace(exception) ? new NoSpaceException(path, (IOException)exception) : null;
}
