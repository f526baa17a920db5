using System.Net.Http;
using System.Net.Sockets;

namespace Slipway.Oci;

/// <summary>.NET's own exceptions in Slipway's words, worded as Go tools (and so docker) word them:
/// <c>open /x.tar: no such file or directory</c>. The words come from the exception's type, errno or error code,
/// never from .NET's resource text. A <see cref="SlipwayException"/> and anything unknown keep their message.</summary>
public static class ErrorText
{
    /// <summary>The exception in one line for a user; for a Slipway error, its message.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            SlipwayException => exception.Message,
            FileNotFoundException { FileName: { } file } => Open(file, "no such file or directory"),
            _ when FileReason(exception) is { } reason => Open(PathIn(exception.Message), reason),
            OperationCanceledException => "canceled",
            EndOfStreamException => "unexpected end of data",
            OverflowException => "number out of range",
            HttpRequestException http => Http(http),
            SocketException socket => Socket(socket),
            _ => exception.Message,
        };
    }

    /// <summary>A failed file operation on <paramref name="path"/>, which the caller knows better than the message:
    /// <c>open PATH: reason</c>; any other exception as <see cref="Describe(Exception)"/> words it.</summary>
    public static string Describe(Exception exception, string path)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return FileReason(exception) is { } reason ? Open(path, reason) : Describe(exception);
    }

    /// <summary>Why a file operation failed, from the exception's type or errno; null when it is not a file error.</summary>
    private static string? FileReason(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        PathTooLongException => "file name too long",
        UnauthorizedAccessException => "permission denied",
        IOException { HResult: > 0 and < 4096 } io => Errno(io.HResult),
        _ => null,
    };

    private static string Open(string? path, string error) => path is null ? error : $"open {path}: {error}";

    /// <summary>The path .NET put in a file error's message, between quotes (<c>Could not find a part of the path
    /// '/x/y'.</c>); the CLI keeps .NET's messages as text (UseSystemResourceKeys off), so this is their only form.</summary>
    private static string? PathIn(string message)
    {
        var first = message.IndexOf('\'', StringComparison.Ordinal);
        var last = message.LastIndexOf('\'');
        return first >= 0 && last > first + 1 ? message[(first + 1)..last] : null;
    }

    /// <summary>Linux errno values .NET leaves in <see cref="Exception.HResult"/> of an <see cref="IOException"/> it
    /// has no type for, with the text Go's syscall package gives them.</summary>
    private static string? Errno(int errno) => errno switch
    {
        1 => "operation not permitted",
        2 => "no such file or directory",
        5 => "input/output error",
        13 => "permission denied",
        16 => "device or resource busy",
        17 => "file exists",
        18 => "invalid cross-device link",
        20 => "not a directory",
        21 => "is a directory",
        24 => "too many open files",
        26 => "text file busy",
        28 => "no space left on device",
        30 => "read-only file system",
        36 => "file name too long",
        39 => "directory not empty",
        40 => "too many levels of symbolic links",
        122 => "disk quota exceeded",
        _ => null,
    };

    private static string Http(HttpRequestException http)
    {
        if (http.StatusCode is { } status)
        {
            return $"unexpected status {(int)status} {status}";
        }

        return http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "no such host",
            HttpRequestError.ConnectionError => http.InnerException is SocketException socket ? Socket(socket) : "cannot connect",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.HttpProtocolError => "HTTP protocol error",
            HttpRequestError.InvalidResponse => "the server's answer is not a valid HTTP response",
            HttpRequestError.ResponseEnded => "the server closed the connection before the response ended",
            HttpRequestError.ConfigurationLimitExceeded => "the server's answer exceeds a limit (headers too large)",
            HttpRequestError.ProxyTunnelError => "the proxy tunnel could not be established",
            HttpRequestError.UserAuthenticationError => "authentication with the proxy or server failed",
            HttpRequestError.VersionNegotiationError => "HTTP version negotiation failed",
            HttpRequestError.ExtendedConnectNotSupported => "the server does not support extended CONNECT",
            _ => http.InnerException is { } inner ? Describe(inner) : "the request failed",
        };
    }

    private static string Socket(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by peer",
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.HostNotFound or SocketError.NoData => "no such host",
        SocketError.TryAgain => "temporary failure in name resolution",
        SocketError.TimedOut => "i/o timeout",
        SocketError.NetworkUnreachable => "network is unreachable",
        SocketError.HostUnreachable => "no route to host",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        _ => $"socket error {socket.SocketErrorCode}",
    };
}
