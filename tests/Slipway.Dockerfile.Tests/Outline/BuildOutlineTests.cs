using Slipway.Dockerfile.Instructions;
using Slipway.Dockerfile.Outline;

namespace Slipway.Dockerfile.Tests.Outline;

public class BuildOutlineTests
{
    private const string Dockerfile = """
        # GO_VERSION the Go toolchain to build with
        ARG GO_VERSION=1.22
        ARG UNUSED=1

        # build compiles the binary
        FROM golang:${GO_VERSION} AS build
        # LDFLAGS extra linker flags
        ARG LDFLAGS="-s -w"
        RUN --mount=type=secret,id=netrc,required --mount=type=ssh go build -ldflags "$LDFLAGS" .

        FROM alpine AS unused
        RUN --mount=type=secret,target=/run/secrets/other --mount=type=ssh,id=gitlab,required true

        # release is the small image that ships
        FROM alpine AS release
        COPY --from=build /out/app /app
        """;

    private static StageGraph Graph(string? target = null)
    {
        var result = DockerfileDocument.Parse(Dockerfile).BuildGraph(new StageGraphOptions { Target = target });
        Assert.True(result.Succeeded);
        return result.Graph!;
    }

    [Fact]
    public void The_outline_lists_only_what_the_target_needs()
    {
        var outline = BuildOutline.For(Graph(), new Dictionary<string, string>());
        Assert.Equal("release", outline.Target);
        Assert.Equal("is the small image that ships", outline.Description);
        Assert.Equal(
            [new OutlineArg("GO_VERSION", "1.22", "the Go toolchain to build with", 2), new OutlineArg("LDFLAGS", "-s -w", "extra linker flags", 8)],
            outline.Args);
        Assert.Equal([new OutlineSecret("netrc", true, 9)], outline.Secrets);
        Assert.Equal([new OutlineSecret("default", false, 9)], outline.Ssh);
    }

    [Fact]
    public void A_secret_without_id_is_named_after_its_target()
    {
        var outline = BuildOutline.For(Graph("unused"), new Dictionary<string, string>());
        Assert.Equal("other", Assert.Single(outline.Secrets).Name);
        Assert.Equal(new OutlineSecret("gitlab", true, 12), Assert.Single(outline.Ssh));
        Assert.Empty(outline.Args);
    }

    [Fact]
    public void Targets_are_the_named_stages_with_the_last_one_as_default()
    {
        var targets = BuildOutline.Targets(Graph());
        Assert.Equal(["build", "unused", "release"], targets.Select(t => t.Name));
        Assert.Equal("compiles the binary", targets[0].Description);
        Assert.True(targets[2].IsDefault);
        Assert.Equal("TARGET              DESCRIPTION\nbuild               compiles the binary\nunused\nrelease (default)   is the small image that ships\n",
            OutlineFormatter.Text(targets));
    }

    [Fact]
    public void The_outline_names_the_stages_the_target_needs_and_their_bases()
    {
        var outline = BuildOutline.For(Graph(), new Dictionary<string, string>());
        Assert.Equal(["build golang:1.22", "release alpine"], outline.Stages.Select(s => $"{s.Name} {s.Base}"));
    }

    [Theory]
    [InlineData("test-stage/Dockerfile", null, "base build production")]
    [InlineData("test-stage/Dockerfile", "test", "base test")]
    [InlineData("go-web/Dockerfile", null, "builder 1")]
    [InlineData("go-web/Dockerfile", "builder", "builder")]
    [InlineData("go-web/Dockerfile.healthcheck", null, "builder healthcheck 2")]
    [InlineData("node-ts/Dockerfile", null, "build deps runtime")]
    [InlineData("c-static/Dockerfile", null, "build 1")]
    public void The_outline_of_each_example_lists_exactly_the_stages_its_target_needs(string file, string? target, string stages)
    {
        var path = Path.Join(Slipway.Testing.Conformance.RepositoryRoot(), "examples", file);
        var result = DockerfileDocument.Parse(File.ReadAllText(path)).BuildGraph(new StageGraphOptions { Target = target });
        Assert.True(result.Succeeded);
        var outline = BuildOutline.For(result.Graph!, new Dictionary<string, string>());
        Assert.Equal(stages, string.Join(' ', outline.Stages.Select(s => s.Name)));
    }
}
