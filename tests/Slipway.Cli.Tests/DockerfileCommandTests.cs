namespace Slipway.Cli.Tests;

public sealed class DockerfileCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-df-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text)
    {
        var path = Path.Join(_dir, "Dockerfile");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Parse_prints_buildkit_s_dump_by_default()
    {
        var env = new FakeEnvironment();
        var path = Write("FROM alpine AS build\nRUN --mount=type=cache,target=/c echo hi\n");
        Assert.Equal(0, await SlipwayApp.RunAsync(["dockerfile", "parse", path], env));
        Assert.Equal("(from \"alpine\" \"AS\" \"build\")\n(run [\"--mount=type=cache,target=/c\"] \"echo hi\")\n",
            env.Out.ToString());
    }

    [Fact]
    public async Task Parse_prints_the_json_syntax_tree()
    {
        var env = new FakeEnvironment();
        var path = Write("FROM alpine\nCOPY <<EOF /a\nhello\nEOF\n");
        Assert.Equal(0, await SlipwayApp.RunAsync(["dockerfile", "parse", "--format", "json", path], env));
        var json = env.Out.ToString();
        Assert.Contains("\"escapeToken\": \"\\\\\"", json, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"copy\"", json, StringComparison.Ordinal);
        Assert.Contains("\"content\": \"hello\\n\"", json, StringComparison.Ordinal);
        Assert.Contains("\"original\": \"COPY <<EOF /a\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_prints_the_located_diagnostic_and_exits_1()
    {
        var env = new FakeEnvironment();
        var path = Write("FROM alpine\nENV PATH\n");
        Assert.Equal(1, await SlipwayApp.RunAsync(["dockerfile", "parse", path], env));
        Assert.Equal("Dockerfile:2:1: ENV must have two arguments\nENV PATH\n^\n", env.Error.ToString());
        Assert.Empty(env.Out.ToString());
    }

    [Fact]
    public async Task A_missing_file_exits_1()
    {
        var env = new FakeEnvironment();
        Assert.Equal(1, await SlipwayApp.RunAsync(["dockerfile", "parse", Path.Join(_dir, "nope")], env));
        Assert.Equal($"ERROR: failed to read dockerfile: open {Path.Join(_dir, "nope")}: no such file or directory\n", env.Error.ToString());
    }
}
