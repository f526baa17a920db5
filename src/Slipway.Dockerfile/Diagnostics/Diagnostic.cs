namespace Slipway.Dockerfile.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>A user mistake (or a warning) in a Dockerfile, as data. <see cref="Id"/> is stable
/// (<c>DF0001</c>…); <see cref="Message"/> uses BuildKit's wording where BuildKit has one.</summary>
public sealed record Diagnostic(string Id, DiagnosticSeverity Severity, string Message, SourceSpan Span)
{
    public static Diagnostic Error(string id, string message, SourceSpan span) =>
        new(id, DiagnosticSeverity.Error, message, span);

    public override string ToString() => $"{Span.File}:{Span.StartLine}:{Span.StartColumn}: {Message}";
}
