using System.Text.Json;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Conformance;

/// <summary>The tables BuildKit keeps inside its parser tests (parser-extra/), read in place.</summary>
public class ParserExtraTests
{
    private static JsonElement Load(string file)
    {
        var path = Path.Join(ConformanceFolder.Require("parser-extra"), file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Heredocs_are_extracted_with_raw_content_expand_chomp_and_descriptor()
    {
        foreach (var table in Load("heredoc_extract.json").EnumerateArray())
        {
            var name = table.GetProperty("name").GetString();
            var result = DockerfileParser.Parse(table.GetProperty("dockerfile").GetString()!);
            Assert.True(result.Succeeded, $"{name}: {result.Error}");
            Assert.Equal(table.GetProperty("children_count").GetInt32(), result.Children.Count);
            foreach (var child in table.GetProperty("heredocs_by_child").EnumerateObject())
            {
                var node = result.Children[int.Parse(child.Name, System.Globalization.CultureInfo.InvariantCulture)];
                if (child.Value.ValueKind == JsonValueKind.Null)
                {
                    Assert.Empty(node.Heredocs);
                    continue;
                }

                var expected = child.Value.EnumerateArray().Select(h => new Heredoc(
                    h.GetProperty("name").GetString()!, h.GetProperty("content").GetString()!,
                    h.GetProperty("expand").GetBoolean(), h.GetProperty("chomp").GetBoolean(),
                    h.GetProperty("fileDescriptor").GetInt32())).ToList();
                Assert.Equal(expected, node.Heredocs);
            }
        }
    }

    [Fact]
    public void Heredoc_openers_are_recognised_word_by_word()
    {
        var table = Load("heredoc_word.json");
        var words = table.GetProperty("parse_heredoc_word");
        foreach (var word in words.GetProperty("valid_name_EOF").EnumerateArray())
        {
            var doc = HeredocWords.ParseOpener(word.GetString()!, out var error);
            Assert.Null(error);
            Assert.Equal("EOF", doc?.Name);
        }

        foreach (var word in words.GetProperty("invalid_error").EnumerateArray())
        {
            HeredocWords.ParseOpener(word.GetString()!, out var error);
            Assert.NotNull(error);
        }

        foreach (var word in words.GetProperty("not_heredoc").EnumerateArray())
        {
            Assert.Null(HeredocWords.ParseOpener(word.GetString()!, out var error));
            Assert.Null(error);
        }

        foreach (var c in table.GetProperty("heredocs_from_line").GetProperty("cases").EnumerateArray())
        {
            var names = HeredocWords.FromLine(c.GetProperty("line").GetString()!, out var error).Select(h => h.Name);
            Assert.Null(error);
            Assert.Equal(c.GetProperty("names").EnumerateArray().Select(n => n.GetString()), names);
        }

        foreach (var c in table.GetProperty("chomp").GetProperty("cases").EnumerateArray())
        {
            Assert.Equal(c.GetProperty("output").GetString(), HeredocWords.ChompContent(c.GetProperty("input").GetString()!));
        }
    }

    [Fact]
    public void Json_arrays_of_strings_are_exec_form_and_other_arrays_are_errors()
    {
        var table = Load("json_arrays.json");
        foreach (var c in table.GetProperty("valid").EnumerateArray())
        {
            var result = DockerfileParser.Parse(c.GetProperty("dockerfile").GetString()!);
            Assert.True(result.Succeeded, result.Error?.ToString());
            var node = Assert.Single(result.Children);
            Assert.Equal(c.GetProperty("json_attr").GetBoolean(), node.IsJson);
            Assert.Equal(c.GetProperty("args").EnumerateArray().Select(a => a.GetString()), node.Args);
        }

        foreach (var c in table.GetProperty("invalid").EnumerateArray())
        {
            var result = DockerfileParser.Parse(c.GetProperty("dockerfile").GetString()!);
            Assert.False(result.Succeeded, c.GetProperty("json").GetString());
        }
    }

    [Fact]
    public void Instructions_carry_their_start_and_end_lines()
    {
        var table = Load("line_numbers.json");
        var path = Path.Join(ConformanceFolder.Require("parser-extra"), table.GetProperty("dockerfile_file").GetString());
        var result = DockerfileParser.ParseFile(path);
        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(table.GetProperty("root").GetProperty("startLine").GetInt32(), result.StartLine);
        Assert.Equal(table.GetProperty("root").GetProperty("endLine").GetInt32(), result.EndLine);
        var expected = table.GetProperty("children").EnumerateArray()
            .Select(c => (c.GetProperty("startLine").GetInt32(), c.GetProperty("endLine").GetInt32()));
        Assert.Equal(expected, result.Children.Select(c => (c.StartLine, c.EndLine)));
    }

    [Fact]
    public void Empty_continuation_lines_warn_and_overlong_lines_fail()
    {
        var table = Load("warnings_and_limits.json");
        var empty = table.GetProperty("empty_continuation");
        var result = DockerfileParser.Parse(empty.GetProperty("dockerfile").GetString()!);
        Assert.True(result.Succeeded);
        Assert.Equal(empty.GetProperty("warning_count").GetInt32(), result.Warnings.Count);
        var i = 0;
        foreach (var contains in empty.GetProperty("warning_short_contains").EnumerateArray())
        {
            foreach (var part in contains.EnumerateArray())
            {
                Assert.Contains(part.GetString()!, result.Warnings[i].Message, StringComparison.Ordinal);
            }

            i++;
        }

        var tooLong = table.GetProperty("line_too_long");
        var text = "\n\t\tFROM image\n\t\tLABEL test=" + new string('a', 65536) + "\n";
        result = DockerfileParser.Parse(text);
        Assert.Equal(tooLong.GetProperty("error_equals").GetString(), result.Error?.Message);
    }

    [Fact]
    public void Parser_directives_and_syntax_detection_follow_buildkit()
    {
        var table = Load("directives.json");
        foreach (var c in table.GetProperty("parse_all").EnumerateArray())
        {
            var found = new DirectiveParser().ParseAll(c.GetProperty("text").GetString()!, out var error);
            Assert.Null(error);
            Assert.Equal(
                c.GetProperty("directives").EnumerateArray()
                    .Select(d => (d.GetProperty("name").GetString(), d.GetProperty("value").GetString())),
                found.Select(d => ((string?)d.Name, (string?)d.Value)));
        }

        foreach (var c in table.GetProperty("detect_syntax").EnumerateArray())
        {
            AssertLookup(c, DirectiveParser.DetectSyntax(c.GetProperty("text").GetString()!));
        }

        foreach (var c in table.GetProperty("parse_directive").EnumerateArray())
        {
            AssertLookup(c, DirectiveParser.Find(c.GetProperty("key").GetString()!, c.GetProperty("text").GetString()!));
        }
    }

    private static void AssertLookup(JsonElement c, DirectiveLookup actual)
    {
        var text = c.GetProperty("text").GetString();
        Assert.True(c.GetProperty("found").GetBoolean() == actual.Found, text);
        if (c.TryGetProperty("ref", out var r))
        {
            Assert.Equal(r.GetString(), actual.Ref);
        }

        if (c.TryGetProperty("cmdline", out var cmdline))
        {
            Assert.Equal(cmdline.GetString(), actual.CommandLine);
        }

        if (c.TryGetProperty("line", out var line))
        {
            Assert.Equal(line.GetInt32(), actual.Line);
        }
    }
}
