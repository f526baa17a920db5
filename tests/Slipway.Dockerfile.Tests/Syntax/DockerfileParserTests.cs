using Slipway.Dockerfile.Diagnostics;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Syntax;

public class DockerfileParserTests
{
    private static ParseResult Parse(string text)
    {
        var result = DockerfileParser.Parse(text);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result;
    }

    [Fact]
    public void Two_hundred_thousand_continuation_lines_parse_into_one_instruction()
    {
        // Joining continuations by string concatenation copied the line so far for every line: quadratic, 15 s here.
        const int Lines = 200_000;
        var text = new System.Text.StringBuilder("FROM busybox:1\nRUN echo \\\n");
        for (var i = 0; i < Lines; i++)
        {
            text.Append("  a").Append(i).Append(" \\\n");
        }

        var result = Parse(text.Append("  end\n").ToString());

        var run = result.Children[1];
        Assert.StartsWith("echo   a0   a1 ", run.Args[0], StringComparison.Ordinal);
        Assert.EndsWith($"a{Lines - 1}   end", run.Args[0], StringComparison.Ordinal);
        Assert.Equal(Lines + 3, run.Span.EndLine);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_ignored()
    {
        var result = Parse("\uFEFFFROM alpine\r\nRUN a \\\r\n  b\r\n");
        Assert.Equal("(from \"alpine\")\n(run \"a   b\")", NodeDump.Dump(result.Children));
    }

    [Fact]
    public void The_backtick_escape_continues_lines_and_leaves_backslashes_alone()
    {
        var result = Parse("# escape=`\nFROM x\nRUN dir c:\\ `\n  /s\n");
        Assert.Equal('`', result.EscapeToken);
        Assert.Equal("dir c:\\   /s", result.Children[1].Args[0]);
        Assert.Equal(new ParserDirective("escape", "`", 1), Assert.Single(result.Directives));
    }

    [Fact]
    public void Directives_stop_at_the_first_line_that_is_not_one()
    {
        var result = Parse("# syntax=docker/dockerfile:1\n\n# escape=`\nFROM x\nRUN a \\\n b\n");
        Assert.Equal('\\', result.EscapeToken);
        Assert.Equal(["syntax"], result.Directives.Select(d => d.Name));
    }

    [Fact]
    public void Exec_form_is_a_line_that_is_one_json_array_so_trailing_text_makes_it_the_shell_form()
    {
        // BuildKit reads the line with json.Unmarshal (since moby/buildkit 80518e257; json.Decoder before ignored
        // what followed the array).
        var node = Parse("CMD [\"a\", \"b\"] trailing\n").Children[0];
        Assert.False(node.IsJson);
        Assert.Equal(["[\"a\", \"b\"] trailing"], node.Args);
        Assert.True(Parse("CMD [\"a\", \"b\"]  \t\n").Children[0].IsJson);
    }

    [Fact]
    public void Malformed_json_falls_back_to_shell_form()
    {
        var node = Parse("CMD [\"a\", 'b']\n").Children[0];
        Assert.False(node.IsJson);
        Assert.Equal(["[\"a\", 'b']"], node.Args);
    }

    [Fact]
    public void Every_node_carries_its_span()
    {
        var result = Parse("FROM a\n\n   RUN <<EOF\nbody\nEOF\nCOPY x \\\n  y\n");
        Assert.Equal(new SourceSpan("Dockerfile", 3, 4, 5, 4), result.Children[1].Span);
        Assert.Equal(new SourceSpan("Dockerfile", 6, 1, 7, 4), result.Children[2].Span);
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_keep_their_spelling()
    {
        var node = Parse("fRoM alpine\n").Children[0];
        Assert.Equal("from", node.Name);
        Assert.Equal("fRoM", node.Keyword);
    }

    [Fact]
    public void Comments_above_an_instruction_are_kept_for_descriptions()
    {
        var result = Parse("# first\n# second\nFROM a\n# kept across a blank line\n\nRUN b\n");
        Assert.Equal(["first", "second"], result.Children[0].PrevComments);
        Assert.Equal(["kept across a blank line"], result.Children[1].PrevComments);
    }

    [Fact]
    public void A_heredoc_in_exec_form_is_just_text()
    {
        var node = Parse("FROM a\nRUN [\"<<EOF\"]\nRUN b\n").Children[1];
        Assert.Empty(node.Heredocs);
    }

    [Fact]
    public void An_unterminated_quote_on_a_heredoc_line_means_no_heredoc_like_buildkit()
    {
        var result = Parse("FROM a\nRUN echo 'x <<EOF\nRUN b\n");
        Assert.Equal(3, result.Children.Count);
    }
}
