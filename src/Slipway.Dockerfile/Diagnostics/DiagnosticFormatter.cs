using System.Text;

namespace Slipway.Dockerfile.Diagnostics;

/// <summary>Prints a diagnostic the way BuildKit prints a located error: <c>Dockerfile:3:5: message</c>, then the
/// offending line and a caret under the column.</summary>
public static class DiagnosticFormatter
{
    public static string Format(Diagnostic diagnostic, IReadOnlyList<string> sourceLines)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        ArgumentNullException.ThrowIfNull(sourceLines);
        var span = diagnostic.Span;
        var sb = new StringBuilder();
        sb.Append(span.File).Append(':').Append(span.StartLine).Append(':').Append(span.StartColumn).Append(": ");
        if (diagnostic.Severity == DiagnosticSeverity.Warning)
        {
            sb.Append("warning: ");
        }

        sb.Append(diagnostic.Message).Append('\n');
        if (span.StartLine >= 1 && span.StartLine <= sourceLines.Count)
        {
            var line = sourceLines[span.StartLine - 1];
            // Tabs stay tabs so the caret lines up whatever the terminal's tab width.
            var pad = new StringBuilder();
            for (var i = 0; i < Math.Min(span.StartColumn - 1, line.Length); i++)
            {
                pad.Append(line[i] == '\t' ? '\t' : ' ');
            }

            sb.Append(line).Append('\n').Append(pad).Append('^').Append('\n');
        }

        return sb.ToString();
    }

    public static string FormatAll(IEnumerable<Diagnostic> diagnostics, IReadOnlyList<string> sourceLines) =>
        string.Concat(diagnostics.Select(d => Format(d, sourceLines)));
}
