using System.Text.Json;
using System.Text.RegularExpressions;

namespace Slipway.Dockerfile.Syntax;

/// <summary>Parser directives: <c># key=value</c> lines at the very top of the file. The first line that is not a
/// known directive ends them (a blank line, a comment, an unknown key, an instruction).</summary>
public sealed partial class DirectiveParser
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly string _comment;
    private int _line;

    public DirectiveParser(string comment = "#", int line = 0)
    {
        _comment = comment;
        _line = line;
    }

    public bool Done { get; private set; }

    [GeneratedRegex(@"\A([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\z",
        RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DirectiveRegex();

    private static readonly string[] Known = ["syntax", "escape", "check"];

    /// <summary>Looks at the next line. Returns a directive, null, or sets <paramref name="error"/> for a
    /// repeated directive.</summary>
    public ParserDirective? ParseLine(string line, out string? error)
    {
        error = null;
        _line++;
        if (Done)
        {
            return null;
        }

        if (!line.StartsWith(_comment, StringComparison.Ordinal))
        {
            Done = true;
            return null;
        }

        var match = DirectiveRegex().Match(line[_comment.Length..].TrimStart());
        if (!match.Success)
        {
            Done = true;
            return null;
        }

        var key = match.Groups[1].Value.ToLowerInvariant();
        if (Array.IndexOf(Known, key) < 0)
        {
            Done = true;
            return null;
        }

        if (!_seen.Add(key))
        {
            error = $"only one {key} parser directive can be used";
            return null;
        }

        return new ParserDirective(key, match.Groups[2].Value, _line);
    }

    /// <summary>All directives at the top of <paramref name="text"/>.</summary>
    public IReadOnlyList<ParserDirective> ParseAll(string text, out string? error)
    {
        error = null;
        var found = new List<ParserDirective>();
        foreach (var line in text.Split('\n'))
        {
            if (Done)
            {
                break;
            }

            var d = ParseLine(line.TrimEnd('\r'), out error);
            if (error is not null)
            {
                return found;
            }

            if (d is not null)
            {
                found.Add(d);
            }
        }

        return found;
    }

    /// <summary>The frontend a file asks for (BuildKit's DetectSyntax): <c># syntax=</c>, then <c>// syntax=</c>,
    /// then a whole-file JSON object with a "syntax" key; a leading <c>#!</c> line is skipped.</summary>
    public static DirectiveLookup DetectSyntax(string text) => Find("syntax", text, anyFormat: true);

    /// <summary>One <c>#</c>-style directive by key (e.g. <c>check</c>).</summary>
    public static DirectiveLookup Find(string key, string text) => Find(key, text, anyFormat: false);

    private static DirectiveLookup Find(string key, string text, bool anyFormat)
    {
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var line = 0;
        var nl = text.IndexOf('\n', StringComparison.Ordinal);
        var first = nl < 0 ? text : text[..nl];
        if (first.StartsWith("#!", StringComparison.Ordinal))
        {
            text = nl < 0 ? "" : text[(nl + 1)..];
            line++;
        }

        foreach (var comment in anyFormat ? new[] { "#", "//" } : ["#"])
        {
            var found = new DirectiveParser(comment, line).ParseAll(text, out _)
                .FirstOrDefault(d => d.Name == key);
            if (found is not null)
            {
                var space = found.Value.IndexOf(' ', StringComparison.Ordinal);
                return new DirectiveLookup(true, space < 0 ? found.Value : found.Value[..space], found.Value, found.Line);
            }
        }

        if (anyFormat && TryJsonDirective(key, text, out var value))
        {
            return new DirectiveLookup(true, value, value, line);
        }

        return new DirectiveLookup(false, "", "", 0);
    }

    private static bool TryJsonDirective(string key, string text, out string value)
    {
        value = "";
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String)
            {
                value = v.GetString() ?? "";
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }
}

/// <summary>A directive found by <see cref="DirectiveParser.DetectSyntax"/>: <see cref="Ref"/> is the value up to the
/// first space, <see cref="CommandLine"/> the whole value.</summary>
public sealed record DirectiveLookup(bool Found, string Ref, string CommandLine, int Line);
