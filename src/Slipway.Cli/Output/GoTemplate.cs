using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Cli.Output;

/// <summary>The part of Go's text/template that <c>--format</c> strings use: <c>{{.Field}}</c>,
/// <c>{{json .}}</c>, <c>{{json .Field}}</c>, and a leading <c>table</c> for a header row.</summary>
internal static partial class GoTemplate
{
    [GeneratedRegex(@"\{\{\s*(json\s+)?\.(\w*)\s*\}\}")]
    private static partial Regex Action();

    public static string Render(string template, IReadOnlyDictionary<string, string> fields, Func<string?, string> json)
    {
        var text = template.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        return Action().Replace(text, m =>
        {
            var name = m.Groups[2].Value;
            if (m.Groups[1].Success)
            {
                return json(name.Length == 0 ? null : name);
            }

            return fields.TryGetValue(name, out var value) ? value : "<no value>";
        });
    }

    public static bool IsTable(string template, out string rest)
    {
        var trimmed = template.TrimStart();
        if (trimmed.StartsWith("table", StringComparison.Ordinal))
        {
            rest = trimmed[5..].TrimStart();
            return true;
        }

        rest = template;
        return false;
    }

    /// <summary>The header row of a table template: each <c>{{.Field}}</c> becomes the field's upper-case name.</summary>
    public static string Header(string template, IReadOnlyDictionary<string, string> headers)
    {
        var text = template.Replace("\\t", "\t", StringComparison.Ordinal);
        return Action().Replace(text, m => headers.TryGetValue(m.Groups[2].Value, out var h) ? h : m.Groups[2].Value.ToUpperInvariant());
    }

    public static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
