using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The syntax tree as JSON (<c>slipway dockerfile parse --format json</c>); the format is documented in
/// docs/dockerfile.md. Source-generated, so it works under NativeAOT.</summary>
public static class SyntaxTreeJson
{
    // Relaxed escaping keeps `<<EOF` and non-ASCII text readable; the output is never embedded in HTML.
    private static readonly SyntaxJsonContext Context = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 1024, // ONBUILD nesting is bounded by the parser well below this
    });

    public static string Serialize(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var tree = new JsonTree(
            result.EscapeToken.ToString(),
            result.StartLine,
            result.EndLine,
            [.. result.Warnings.Select(w => new JsonWarning(w.Message, w.Line))],
            [.. result.Children.Select(ToJson)]);
        return JsonSerializer.Serialize(tree, Context.JsonTree);
    }

    private static JsonNode ToJson(Node node) => new(
        node.Name,
        node.Flags,
        node.Args,
        node.IsJson,
        [.. node.Heredocs.Select(h => new JsonHeredoc(h.Name, h.Content, h.Expand, h.Chomp, h.FileDescriptor))],
        node.Subcommand is null ? null : ToJson(node.Subcommand with { Span = node.Span }),
        node.Original,
        node.StartLine,
        node.EndLine);
}

internal sealed record JsonTree(
    string EscapeToken,
    int StartLine,
    int EndLine,
    IReadOnlyList<JsonWarning> Warnings,
    IReadOnlyList<JsonNode> Children);

internal sealed record JsonWarning(string Short, int Line);

internal sealed record JsonHeredoc(string Name, string Content, bool Expand, bool Chomp, int FileDescriptor);

internal sealed record JsonNode(
    string Name,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Args,
    bool Json,
    IReadOnlyList<JsonHeredoc> Heredocs,
    JsonNode? Subcommand,
    string Original,
    int StartLine,
    int EndLine);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonTree))]
internal sealed partial class SyntaxJsonContext : JsonSerializerContext;
