using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Slipway.Dockerfile.Diagnostics;

namespace Slipway.Dockerfile.Lint;

/// <summary>Prints check results the way <c>docker buildx build --call check</c> does: a <c>WARNING: Rule - URL</c>
/// header per finding, then the located message with the line and a caret; or as JSON.</summary>
public static class LintFormatter
{
    public static string Text(LintReport report, IReadOnlyList<string> sourceLines)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        var severity = report.Config.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
        foreach (var finding in report.Findings)
        {
            sb.Append(severity == DiagnosticSeverity.Error ? "ERROR: " : "WARNING: ")
                .Append(finding.RuleId).Append(" - ").Append(finding.Rule.Url).Append('\n')
                .Append(finding.Rule.Description).Append('\n')
                .Append(DiagnosticFormatter.Format(finding.ToDiagnostic(DiagnosticSeverity.Warning), sourceLines))
                .Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>buildx's closing line for <c>--check</c>.</summary>
    public static string Summary(LintReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Findings.Count switch
        {
            0 => "Check complete, no warnings found.",
            1 => "Check complete, 1 warning has been found!",
            var n => string.Create(CultureInfo.InvariantCulture, $"Check complete, {n} warnings have been found!"),
        };
    }

    public static string Json(LintReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("warnings");
            foreach (var f in report.Findings)
            {
                w.WriteStartObject();
                w.WriteString("ruleName", f.RuleId);
                w.WriteString("description", f.Rule.Description);
                w.WriteString("url", f.Rule.Url);
                w.WriteString("detail", f.Message);
                w.WriteStartObject("location");
                w.WriteString("file", f.Span.File);
                w.WriteStartArray("ranges");
                w.WriteStartObject();
                Position(w, "start", f.Span.StartLine, f.Span.StartColumn);
                Position(w, "end", f.Span.EndLine, f.Span.EndColumn);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (report.Failed)
            {
                w.WriteStartObject("error");
                w.WriteString("message", report.FailureMessage);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Position(Utf8JsonWriter w, string name, int line, int column)
    {
        w.WriteStartObject(name);
        w.WriteNumber("line", line);
        w.WriteNumber("character", column);
        w.WriteEndObject();
    }
}
