using System.Net;
using Slipway.Oci;

namespace Slipway.Registry;

/// <summary>A registry answered with an error, or its content failed verification. <see cref="Errors"/> holds the
/// registry's own error codes (<c>BLOB_UNKNOWN</c>, <c>DENIED</c>, …) as data rather than inside the message.</summary>
public class RegistryException(string message, Exception? innerException = null) : SlipwayException(message, innerException)
{
    public const string ErrorCode = "registry.error";

    public RegistryException(string message, HttpStatusCode? statusCode, IReadOnlyList<RegistryError> errors,
        Exception? innerException = null)
        : this(message, innerException)
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    public HttpStatusCode? StatusCode { get; }

    public IReadOnlyList<RegistryError> Errors { get; } = [];

    public override string Code => ErrorCode;
}

/// <summary>Content did not match what it claimed to be (digest or size); nothing of it may be used.</summary>
public sealed class ContentVerificationException(string message) : RegistryException(message)
{
    public new const string ErrorCode = "registry.content-mismatch";

    public override string Code => ErrorCode;
}

/// <summary>One entry of a distribution error body: <c>{"errors":[{"code":…,"message":…}]}</c>.</summary>
public sealed record RegistryError(string Code, string? Message)
{
    /// <summary>As docker prints it: the code in words, then the message (<c>manifest unknown: manifest unknown</c>).</summary>
    public string Text
    {
        get
        {
            var code = Code.ToLowerInvariant().Replace('_', ' ');
            return string.IsNullOrEmpty(Message) ? code : code.Length == 0 ? Message : $"{code}: {Message}";
        }
    }
}
