using System.Text.Json;

namespace Slipway.Cli.Templates;

/// <summary>A Go text/template, parsed once and run over JSON values: the language of docker's <c>--format</c>
/// (docker/cli's templates package: Go's builtins plus <c>json split join title lower upper pad truncate</c>).</summary>
internal sealed class GoTemplate
{
    private readonly string _text;
    private readonly ListNode _tree;

    private GoTemplate(string text, ListNode tree)
    {
        _text = text;
        _tree = tree;
    }

    /// <summary>Parses <paramref name="text"/>; a template that does not parse throws Go's error.</summary>
    public static GoTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new GoTemplate(text, TemplateParser.Parse(text, TemplateFunctions.Names));
    }

    public string Execute(JsonElement data, TemplateOptions? options = null) =>
        Execute(TemplateValues.FromJson(data), options);

    public string Execute(object? data, TemplateOptions? options = null) =>
        new TemplateExecutor(_text, options ?? new TemplateOptions(), data).Run(_tree);
}
