using System.Text.Json;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Syntax;

public class SyntaxTreeJsonTests
{
    [Fact]
    public void The_json_tree_has_the_documented_fields()
    {
        var result = DockerfileParser.Parse("FROM alpine\nONBUILD RUN <<EOF\necho hi\nEOF\n");
        using var doc = JsonDocument.Parse(SyntaxTreeJson.Serialize(result));
        var root = doc.RootElement;
        Assert.Equal(["escapeToken", "startLine", "endLine", "warnings", "children"],
            root.EnumerateObject().Select(p => p.Name));
        var onbuild = root.GetProperty("children")[1];
        Assert.Equal(["name", "flags", "args", "json", "heredocs", "subcommand", "original", "startLine", "endLine"],
            onbuild.EnumerateObject().Select(p => p.Name));
        Assert.Equal("run", onbuild.GetProperty("subcommand").GetProperty("name").GetString());
        Assert.Equal("echo hi\n", onbuild.GetProperty("heredocs")[0].GetProperty("content").GetString());
        Assert.Equal(4, onbuild.GetProperty("endLine").GetInt32());
    }

    [Fact]
    public void Deeply_nested_onbuild_still_serialises()
    {
        var line = string.Concat(Enumerable.Repeat("ONBUILD ", 60)) + "RUN true";
        var result = DockerfileParser.Parse("FROM alpine\n" + line + "\n");
        Assert.True(result.Succeeded);
        Assert.Contains("\"subcommand\"", SyntaxTreeJson.Serialize(result), StringComparison.Ordinal);
    }

    [Fact]
    public void A_heredocs_file_descriptor_is_kept()
    {
        var result = DockerfileParser.Parse("FROM alpine\nRUN 3<<EOF cat /dev/fd/3\nfd three\nEOF\n");
        using var doc = JsonDocument.Parse(SyntaxTreeJson.Serialize(result));
        var heredoc = doc.RootElement.GetProperty("children")[1].GetProperty("heredocs")[0];
        Assert.Equal(["name", "content", "expand", "chomp", "fileDescriptor"], heredoc.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, heredoc.GetProperty("fileDescriptor").GetInt32());
        Assert.Equal("fd three\n", heredoc.GetProperty("content").GetString());
    }
}
