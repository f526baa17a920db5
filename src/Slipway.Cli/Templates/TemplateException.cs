using Slipway.Oci;

namespace Slipway.Cli.Templates;

/// <summary>A template that does not parse or fails while it runs. <see cref="GoError"/> is Go's own text
/// (<c>template: :1: …</c>, <c>template: :1:2: executing "" at &lt;.X&gt;: …</c>) and the message is what the docker CLI
/// prints for it, <c>template parsing error: </c> first, so what a docker user searches for is what they see.</summary>
public sealed class TemplateException : SlipwayException
{
    public const string ErrorCode = "template.invalid";

    public TemplateException(string goError, bool whileParsing = true)
        : base("template parsing error: " + goError)
    {
        GoError = goError;
        WhileParsing = whileParsing;
    }

    public TemplateException()
    {
        GoError = "";
    }

    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
        GoError = message;
    }

    public string GoError { get; }

    /// <summary>The template did not parse (docker's inspect exits 64 then, 1 when it fails while running).</summary>
    public bool WhileParsing { get; }

    public override string Code => ErrorCode;
}
