using Slipway.Dockerfile.Syntax;
using Slipway.Oci;

namespace Slipway.Dockerfile.Expansion;

/// <summary>A word that cannot be expanded: a syntax error, an unsupported modifier or a <c>${v:?msg}</c> that
/// fired. <see cref="Exception.Message"/> is BuildKit's text, <c>failed to process "word": reason</c>, so users
/// see the message they would see from <c>docker build</c>.</summary>
public sealed class ExpansionException : SlipwayException
{
    public const string ErrorCode = "dockerfile.expansion";

    public ExpansionException()
        : this(string.Empty, "expansion failed")
    {
    }

    public ExpansionException(string message)
        : this(string.Empty, message)
    {
    }

    public ExpansionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Word = string.Empty;
        Reason = message;
    }

    public ExpansionException(string word, string reason)
        : base($"failed to process {GoQuote.Quote(word)}: {reason}")
    {
        Word = word;
        Reason = reason;
    }

    /// <summary>The word as written, before expansion.</summary>
    public string Word { get; }

    /// <summary>The reason alone, without the "failed to process" prefix (e.g. <c>FOO: is not allowed to be unset</c>).</summary>
    public string Reason { get; }

    public override string Code => ErrorCode;
}
