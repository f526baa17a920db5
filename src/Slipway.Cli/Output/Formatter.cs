using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Slipway.Cli.Templates;

namespace Slipway.Cli.Output;

/// <summary>docker's formatter.Context for list commands (<c>images</c>, <c>history</c>): <c>--format</c> is empty or
/// <c>table</c> (the command's default table), <c>json</c> (<c>{{json .}}</c>, one object a line), <c>table TEMPLATE</c>
/// (a header row, then rows aligned as by docker's tabwriter) or a bare TEMPLATE (one line per row). <c>\t</c> and
/// <c>\n</c> written literally in the format are a tab and a newline, as docker reads them. Each row is an object of
/// strings, as docker's row contexts marshal themselves.</summary>
internal sealed class Formatter(string rootTypeName, IReadOnlyDictionary<string, string> headers, string defaultTable)
{
    public void Write(TextWriter output, string? format, IReadOnlyList<IReadOnlyDictionary<string, string>> rows) =>
        Write(output, format, rows, null, null);

    /// <summary>As above, each row also with methods that take arguments (<paramref name="rowMethods"/>, one set a
    /// row, such as ps's <c>.Label "NAME"</c>), and the header row's answer to them (<paramref name="headerMethods"/>).</summary>
    public void Write(TextWriter output, string? format, IReadOnlyList<IReadOnlyDictionary<string, string>> rows,
        IReadOnlyList<IReadOnlyDictionary<string, TemplateFunction>>? rowMethods, IReadOnlyDictionary<string, TemplateFunction>? headerMethods)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = string.IsNullOrEmpty(format) || format == "table" ? "table " + defaultTable : format;
        var table = text.StartsWith("table", StringComparison.Ordinal);
        if (table)
        {
            text = text["table".Length..];
        }
        else if (text == "json")
        {
            text = "{{json .}}";
        }

        text = text.Trim(' ').Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        var template = GoTemplate.Parse(text);
        var options = new TemplateOptions { RootTypeName = rootTypeName };
        var lines = rows.Select((row, i) => template.Execute(Object(row), options with { Methods = rowMethods?[i] })).ToList();
        if (!table)
        {
            foreach (var line in lines)
            {
                output.WriteLine(line);
            }

            return;
        }

        var header = template.Execute(Object(headers), options with { Functions = TemplateFunctions.Header, RootTypeName = null, Methods = headerMethods });
        var cells = new[] { header }.Concat(lines)
            .SelectMany(l => l.Split('\n'))
            .Select(l => (IReadOnlyList<string>)l.Split('\t'))
            .ToList();
        Table.Write(output, cells[0], cells.Skip(1), minWidth: 10);
    }

    /// <summary>A row as the JSON object docker's <c>{{json .}}</c> prints: its fields in name order.</summary>
    public static JsonElement Object(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
        return document.RootElement.Clone();
    }
}
