using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Lint;

/// <summary>One rule firing at one place: what <c>--call check</c> prints as a warning.</summary>
public sealed record LintFinding(LintRule Rule, string Message, SourceSpan Span)
{
    public string RuleId => Rule.Id;

    /// <summary>The finding as a diagnostic, so <see cref="DiagnosticFormatter"/> prints its line and caret.</summary>
    public Diagnostic ToDiagnostic(DiagnosticSeverity severity) => new(Rule.Id, severity, Message, Span);
}
