using System.Text;
using System.Text.Json;

namespace Slipway.Cli.Templates;

/// <summary>A JSON object that is a Go struct in docker's typed document (<c>{{.Config}}</c> of an image is a
/// <c>dockerspec.DockerOCIImageConfig</c>): fields read as a map's, <c>json</c> writes the object, and printing is Go's
/// <c>%v</c> of the struct, its fields in declaration order as <see cref="Layout"/> lists them (<c>{{User …} {…}}</c>,
/// an embedded struct in its own braces), a field the JSON leaves out as its type's zero. The layout <c>set</c> is a
/// <c>map[string]struct{}</c> (<c>ExposedPorts</c>, <c>Volumes</c>): <c>map[80/tcp:{}]</c>.</summary>
internal sealed record GoStruct(JsonElement Fields, string Layout, TemplateOptions Options)
{
    public const string Set = "set";

    /// <summary>The value a template sees for field <paramref name="name"/>: a struct when the options give its layout.</summary>
    public static object? Wrap(string name, object? value, TemplateOptions options) =>
        value is JsonElement { ValueKind: JsonValueKind.Object } element && options.Structs?.TryGetValue(name, out var layout) == true
            ? new GoStruct(element, layout, options)
            : value;

    public string Print()
    {
        if (Layout == Set)
        {
            return "map[" + string.Join(' ', Fields.EnumerateObject().Select(p => p.Name).Distinct().Order(StringComparer.Ordinal).Select(k => k + ":{}")) + "]";
        }

        var builder = new StringBuilder();
        var at = 0;
        while (at < Layout.Length)
        {
            var c = Layout[at];
            if (c is '{' or '}' or ' ')
            {
                builder.Append(c);
                at++;
                continue;
            }

            var end = at;
            while (end < Layout.Length && Layout[end] is not ('{' or '}' or ' '))
            {
                end++;
            }

            builder.Append(Field(Layout[at..end]));
            at = end;
        }

        return builder.ToString();
    }

    private string Field(string name)
    {
        var value = Fields.TryGetProperty(name, out var element) ? TemplateValues.FromJson(element) : null;
        if (value is null)
        {
            return Options.TypedFields?.TryGetValue(name, out var kind) == true ? TemplateValues.Print(TypedNil.Zero(kind)) : "<nil>";
        }

        return Wrap(name, value, Options) is GoStruct nested ? nested.Print() : TemplateValues.Print(value);
    }
}
