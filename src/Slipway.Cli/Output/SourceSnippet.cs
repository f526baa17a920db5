using System.Globalization;
using System.Text;
using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Cli.Output;

/// <summary>An instruction shown in its Dockerfile as BuildKit shows the source of an error (solver/errdefs
/// <c>Source.Print</c>): <c>Dockerfile:LINE</c>, then the lines around it, those of the instruction marked
/// <c>&gt;&gt;&gt;</c>, between dashed rules.</summary>
internal static class SourceSnippet
{
    private const string Rule = "--------------------";

    /// <summary>The snippet, ending in a newline; empty when <paramref name="span"/> is not in <paramref name="lines"/>
    /// (the Dockerfile's lines as its parser cut them).</summary>
    public static string Format(SourceSpan span, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var start = span.StartLine;
        var end = Math.Max(span.EndLine, span.StartLine);
        if (start < 1 || start > lines.Count)
        {
            return "";
        }

        end = Math.Min(end, lines.Count);

        // BuildKit's padding: up to four lines of context around a one-line instruction, two around a longer one,
        // taken before and after while there are lines to take.
        var first = start;
        var last = end;
        var pad = end == start ? 4 : 2;
        for (var added = 0; added < pad;)
        {
            if (first > 1)
            {
                first--;
                added++;
            }

            if (last != lines.Count)
            {
                last++;
                added++;
            }

            added++;
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{span.File}:{start}\n{Rule}\n");
        for (var i = first; i <= last; i++)
        {
            var marker = i >= start && i <= end ? ">>>" : "   ";
            sb.Append(CultureInfo.InvariantCulture, $" {i,3} | {marker} {lines[i - 1]}\n");
        }

        return sb.Append(Rule).Append('\n').ToString();
    }
}
