using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Conformance;

public class ParserConformanceTests
{
    public static TheoryData<string> ParserCases => ConformanceFolder.Cases("parser");

    public static TheoryData<string> NegativeCases => ConformanceFolder.Cases("parser-negative");

    [Theory]
    [MemberData(nameof(ParserCases))]
    public void A_buildkit_parser_testfile_dumps_exactly_like_buildkit(string name)
    {
        var dir = Path.Join(ConformanceFolder.Require("parser"), name);
        var result = DockerfileParser.ParseFile(Path.Join(dir, "Dockerfile"));
        Assert.True(result.Succeeded, result.Error?.ToString());
        var expected = File.ReadAllText(Path.Join(dir, "result"));
        Assert.Equal(expected, NodeDump.Dump(result.Children) + "\n");
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void A_buildkit_negative_testfile_fails_to_parse(string name)
    {
        var dir = Path.Join(ConformanceFolder.Require("parser-negative"), name);
        var result = DockerfileParser.ParseFile(Path.Join(dir, "Dockerfile"));
        Assert.False(result.Succeeded);
        Assert.NotNull(result.Error);
        Assert.True(result.Error.Span.StartLine >= 1);
    }
}
