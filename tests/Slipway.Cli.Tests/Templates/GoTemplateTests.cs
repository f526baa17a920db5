using System.Text.Json;
using Slipway.Cli.Templates;

namespace Slipway.Cli.Tests.Templates;

/// <summary>Each construct of Go's text/template with docker's functions, against what Go prints for the same
/// template over the same JSON decoded into <c>map[string]interface{}</c> (docker's inspect fallback). Numbers compare
/// as numbers (<c>eq .Size 123456789</c>), as they do in docker's typed structs; a missing key of a map of strings
/// indexes to "", as docker's typed <c>map[string]string</c> labels do.</summary>
public sealed class GoTemplateTests
{
    private const string Data = """
        {"Id":"sha256:abc","RepoTags":["a:1","b:2"],"Size":123456789,
         "Config":{"Cmd":["sh","-c","echo hi"],"Entrypoint":null,"Env":["PATH=/bin","A=b"],"Labels":{"z":"1","a":"x y"},"WorkingDir":""},
         "Empty":[],"Nested":{"List":[{"Name":"n1"},{"Name":"n2"}]},"Flag":true,"Float":1.5,"Big":1e21,"Mixed":[1,"a",null,true,{"k":[2]}]}
        """;

    private static string Run(string template, TemplateOptions? options = null)
    {
        using var document = JsonDocument.Parse(Data);
        return GoTemplate.Parse(template).Execute(document.RootElement, options);
    }

    [Theory]
    [InlineData("{{.Id}}", "sha256:abc")]
    [InlineData("{{.Config.Cmd}}", "[sh -c echo hi]")]
    [InlineData("{{.Config.Labels}}", "map[a:x y z:1]")]
    [InlineData("{{.Config.Labels.a}}", "x y")]
    [InlineData("{{.Size}}", "123456789")]
    [InlineData("{{.Float}}", "1.5")]
    [InlineData("{{.Big}}", "1e21")]
    [InlineData("{{.Mixed}}", "[1 a <nil> true map[k:[2]]]")]
    [InlineData("{{.Flag}}", "true")]
    [InlineData("{{.Empty}}", "[]")]
    [InlineData("{{.Missing}}", "<no value>")]
    [InlineData("{{.Missing.Deeper}}", "<no value>")]
    [InlineData("{{.Config.Entrypoint}}", "<no value>")]
    [InlineData("{{.}}", "map[Big:1e21 Config:map[Cmd:[sh -c echo hi] Entrypoint:<nil> Env:[PATH=/bin A=b] Labels:map[a:x y z:1] WorkingDir:] Empty:[] Flag:true Float:1.5 Id:sha256:abc Mixed:[1 a <nil> true map[k:[2]]] Nested:map[List:[map[Name:n1] map[Name:n2]]] RepoTags:[a:1 b:2] Size:123456789]")]
    public void Fields_print_as_Go_prints_the_values(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{index .RepoTags 1}}", "b:2")]
    [InlineData("{{index .Config.Labels \"z\"}}", "1")]
    [InlineData("{{index .Config.Labels \"nope\"}}", "")]
    [InlineData("{{index .Mixed 4 \"nope\"}}", "<no value>")]
    [InlineData("{{index .Nested.List 1 \"Name\"}}", "n2")]
    [InlineData("{{(index .Nested.List 0).Name}}", "n1")]
    [InlineData("{{slice .RepoTags 1}}", "[b:2]")]
    [InlineData("{{len .RepoTags}} {{len .Config.Labels}} {{len .Id}}", "2 2 10")]
    public void Index_slice_and_len(string template, string expected) => Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{json .Config.Cmd}}", "[\"sh\",\"-c\",\"echo hi\"]")]
    [InlineData("{{json .Config.Labels}}", "{\"a\":\"x y\",\"z\":\"1\"}")]
    [InlineData("{{json .Id}}", "\"sha256:abc\"")]
    [InlineData("{{json .Config.Entrypoint}}", "null")]
    [InlineData("{{json .Missing}}", "null")]
    [InlineData("{{json .Size}}", "123456789")]
    [InlineData("{{json (index .Nested.List 0)}}", "{\"Name\":\"n1\"}")]
    [InlineData("{{json \"<a&b>\"}}", "\"<a&b>\"")]
    public void Json_prints_what_encoding_json_does_with_keys_sorted_and_no_HTML_escaping(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{range .Config.Env}}{{.}},{{end}}", "PATH=/bin,A=b,")]
    [InlineData("{{range $i, $e := .RepoTags}}{{$i}}={{$e}} {{end}}", "0=a:1 1=b:2 ")]
    [InlineData("{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}};{{end}}", "a:x y;z:1;")]
    [InlineData("{{range $e := .RepoTags}}{{$e}}{{end}}", "a:1b:2")]
    [InlineData("{{range .Empty}}x{{else}}empty{{end}}", "empty")]
    [InlineData("{{range .Missing}}x{{else}}none{{end}}", "none")]
    [InlineData("{{range .Nested.List}}{{$.Id}}/{{.Name}} {{end}}", "sha256:abc/n1 sha256:abc/n2 ")]
    [InlineData("{{range $i, $e := .RepoTags}}{{if eq $i 1}}{{break}}{{end}}{{$e}}{{end}}", "a:1")]
    [InlineData("{{range $i, $e := .RepoTags}}{{if eq $i 0}}{{continue}}{{end}}{{$e}}{{end}}", "b:2")]
    public void Range_over_lists_and_maps(string template, string expected) => Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{if .Flag}}yes{{else}}no{{end}}", "yes")]
    [InlineData("{{if .Empty}}yes{{else if .Flag}}flag{{else}}no{{end}}", "flag")]
    [InlineData("{{if .Missing}}yes{{else}}no{{end}}", "no")]
    [InlineData("{{if .Config.WorkingDir}}yes{{else}}no{{end}}", "no")]
    [InlineData("{{with .Config}}[{{.WorkingDir}}]{{end}}", "[]")]
    [InlineData("{{with .Missing}}x{{else}}none{{end}}", "none")]
    [InlineData("{{if and .Flag .Id}}{{and .Flag .Id}}{{end}}", "sha256:abc")]
    [InlineData("{{or .Empty \"x\"}}", "x")]
    [InlineData("{{not .Flag}}", "false")]
    [InlineData("{{eq .Size 123456789}} {{eq \"a\" \"b\" \"a\"}} {{ne 1 2}} {{lt 1 2}} {{ge \"b\" \"a\"}}", "true true true true true")]
    public void If_with_and_comparisons(string template, string expected) => Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{join .Config.Cmd \" \"}}", "sh -c echo hi")]
    [InlineData("{{join .Config.Labels \",\"}}", "1,x y")]
    [InlineData("{{join .Missing \",\"}}", "")]
    [InlineData("{{upper .Id}}", "SHA256:ABC")]
    [InlineData("{{lower \"ABC\"}}", "abc")]
    [InlineData("{{title \"hello world-foo\"}}", "Hello World-Foo")]
    [InlineData("{{split \"a,b,c\" \",\"}}", "[a b c]")]
    [InlineData("{{len (split \"a,b,c\" \",\")}}", "3")]
    [InlineData("{{pad \"x\" 1 2}}|{{pad \"\" 1 2}}|", " x  ||")]
    [InlineData("{{truncate \"abcdef\" 3}} {{truncate \"ab\" 3}}", "abc ab")]
    public void Docker_functions(string template, string expected) => Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{println .Id}}", "sha256:abc\n")]
    [InlineData("{{println 1 \"a\"}}", "1 a\n")]
    [InlineData("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3")]
    [InlineData("{{printf \"%s has %d tags\" .Id (len .RepoTags)}}", "sha256:abc has 2 tags")]
    [InlineData("{{.Id | printf \"%q\"}}", "\"sha256:abc\"")]
    [InlineData("{{printf \"%v|%5s|%-4d|%05d|%x|%.2f|%t\" .RepoTags \"ab\" 7 42 255 1.5 true}}", "[a:1 b:2]|   ab|7   |00042|ff|1.50|true")]
    [InlineData("{{printf \"%d\" \"x\"}}", "%!d(string=x)")]
    [InlineData("{{printf \"%s %s\" \"x\"}}", "x %!s(MISSING)")]
    [InlineData("{{printf \"%s\" \"x\" 3}}", "x%!(EXTRA int=3)")]
    [InlineData("{{printf \"100%%\"}}", "100%")]
    public void Print_functions_format_as_fmt(string template, string expected) => Assert.Equal(expected, Run(template));

    [Theory]
    [InlineData("{{$x := .Config}}{{$x.Cmd}}", "[sh -c echo hi]")]
    [InlineData("{{$x := 1}}{{$x = 2}}{{$x}}", "2")]
    [InlineData("{{$.Id}}", "sha256:abc")]
    [InlineData("{{.Config.Cmd | len | printf \"%d args\"}}", "3 args")]
    [InlineData("{{.Id -}}  \n  {{- .Id}}", "sha256:abcsha256:abc")]
    [InlineData("a {{/* a comment */}}b", "a b")]
    [InlineData("a {{- /* trimmed */ -}} b", "ab")]
    [InlineData("{{\"tab\\there\"}}{{`raw\\t`}}", "tab\there" + "raw\\t")]
    [InlineData("{{'a'}} {{0x10}} {{-3}} {{1.25}}", "97 16 -3 1.25")]
    public void Variables_pipelines_trimming_comments_and_constants(string template, string expected) =>
        Assert.Equal(expected, Run(template));

    [Fact]
    public void Typed_fields_that_are_null_or_absent_print_as_docker_structs_print_them()
    {
        var options = new TemplateOptions
        {
            MissingKeyError = true,
            TypedFields = new Dictionary<string, NilKind>
            {
                ["Entrypoint"] = NilKind.List, ["Labels"] = NilKind.Map, ["User"] = NilKind.String, ["Tty"] = NilKind.Bool, ["Cmd"] = NilKind.List,
            },
        };
        using var document = JsonDocument.Parse("""{"Config":{"Entrypoint":null,"Labels":null}}""");
        var template = GoTemplate.Parse("{{.Config.Entrypoint}} {{.Config.Labels}} {{len .Config.Entrypoint}} {{json .Config.Labels}} [{{.Config.User}}] {{.Config.Tty}} {{.Config.Cmd}}");
        Assert.Equal("[] map[] 0 null [] false []", template.Execute(document.RootElement, options));
    }

    [Fact]
    public void Struct_fields_print_as_Go_prints_a_struct_in_field_order_and_sets_with_empty_struct_values()
    {
        var options = new TemplateOptions
        {
            MissingKeyError = true,
            TypedFields = new Dictionary<string, NilKind> { ["User"] = NilKind.String, ["Env"] = NilKind.List, ["Labels"] = NilKind.Map },
            Structs = new Dictionary<string, string> { ["Config"] = "{{User ExposedPorts Env} {Healthcheck Labels}}", ["ExposedPorts"] = GoStruct.Set },
        };
        using var document = JsonDocument.Parse("""{"Config":{"ExposedPorts":{"80/tcp":{},"443/tcp":{}},"Env":["A=1"]}}""");
        var template = GoTemplate.Parse("{{.Config}}|{{.Config.ExposedPorts}}|{{range $p, $_ := .Config.ExposedPorts}}{{$p}},{{end}}|{{json .Config.ExposedPorts}}|{{.Config.Env}}");
        Assert.Equal("{{ map[443/tcp:{} 80/tcp:{}] [A=1]} {<nil> map[]}}|map[443/tcp:{} 80/tcp:{}]|443/tcp,80/tcp,|{\"443/tcp\":{},\"80/tcp\":{}}|[A=1]",
            template.Execute(document.RootElement, options));
    }

    [Theory]
    [InlineData("{{.Id", "template: :1: unclosed action")]
    [InlineData("{{foo}}", "template: :1: function \"foo\" not defined")]
    [InlineData("{{if .Flag}}x", "template: :1: unexpected EOF")]
    [InlineData("{{end}}", "template: :1: unexpected {{end}}")]
    [InlineData("{{else}}", "template: :1: unexpected {{else}}")]
    [InlineData("{{}}", "template: :1: missing value for command")]
    [InlineData("{{$x}}", "template: :1: undefined variable \"$x\"")]
    [InlineData("a\n{{.A ^}}", "template: :2: bad character U+005E '^'")]
    [InlineData("{{\"abc}}", "template: :1: unterminated quoted string")]
    [InlineData("{{break}}", "template: :1: {{break}} outside {{range}}")]
    [InlineData("{{.A | \"x\"}}", "template: :1: non executable command in pipeline stage 2")]
    public void A_template_that_does_not_parse_says_what_Go_says(string template, string expected)
    {
        var error = Assert.Throws<TemplateException>(() => GoTemplate.Parse(template));
        Assert.Equal(expected, error.GoError);
        Assert.Equal("template parsing error: " + expected, error.Message);
        Assert.True(error.WhileParsing);
    }

    [Theory]
    [InlineData("{{.Nope}}", "template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"")]
    [InlineData("{{.Config.Nope}}", "template: :1:2: executing \"\" at <.Config.Nope>: map has no entry for key \"Nope\"")]
    [InlineData("{{index .RepoTags 5}}", "template: :1:2: executing \"\" at <index .RepoTags 5>: error calling index: index out of range: 5")]
    [InlineData("{{upper .Size}}", "template: :1:8: executing \"\" at <.Size>: wrong type for value; expected string; got json.Number")]
    [InlineData("{{.Config.Entrypoint.X}}", "template: :1:2: executing \"\" at <.Config.Entrypoint.X>: nil pointer evaluating interface {}.X")]
    [InlineData("{{.Id.X}}", "template: :1:2: executing \"\" at <.Id.X>: can't evaluate field X in type string")]
    [InlineData("{{range .Id}}{{end}}", "template: :1:8: executing \"\" at <.Id>: range can't iterate over sha256:abc")]
    [InlineData("{{index .RepoTags 0 | .Config.Labels.a}}", "template: :1:22: executing \"\" at <.Config.Labels.a>: a is not a method but has arguments")]
    [InlineData("{{printf \"%s\" .Nested.List.Name.Deep.Deeper.X}}", "template: :1:14: executing \"\" at <.Nested.List.Name.De...>: can't evaluate field Name in type []interface {}")]
    public void A_template_that_fails_on_the_data_says_what_Go_says(string template, string expected)
    {
        var error = Assert.Throws<TemplateException>(() => Run(template, new TemplateOptions { MissingKeyError = true }));
        Assert.Equal(expected, error.GoError);
        Assert.False(error.WhileParsing);
    }

    [Fact]
    public void An_unknown_field_of_a_row_is_the_error_docker_gives_for_its_struct()
    {
        using var document = JsonDocument.Parse("""{"ID":"abc"}""");
        var error = Assert.Throws<TemplateException>(() =>
            GoTemplate.Parse("{{.Nope}}").Execute(document.RootElement, new TemplateOptions { RootTypeName = "*formatter.imageContext" }));
        Assert.Equal("template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.imageContext", error.Message);
    }
}
