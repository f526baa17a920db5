using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Tests.Syntax;

/// <summary>A build that asks for another frontend is told, once, that the built-in one is used.</summary>
public sealed class FrontendDirectiveTests
{
    private static ParseWarning? Check(string dockerfile, Dictionary<string, string>? buildArgs = null) =>
        FrontendDirective.Check(DockerfileParser.Parse(dockerfile), buildArgs ?? []);

    [Theory]
    [InlineData("# syntax=docker/dockerfile:1\nFROM scratch\n")]
    [InlineData("# syntax=docker/dockerfile:1.29\nFROM scratch\n")]
    [InlineData("# syntax=docker.io/docker/dockerfile:1-labs\nFROM scratch\n")]
    [InlineData("# syntax=docker/dockerfile\nFROM scratch\n")]
    [InlineData("# syntax=docker/dockerfile@sha256:93bfd3b68c109427185cd78b4779fc82b484b0b7618e36d0f104d4d801e66d25\nFROM scratch\n")]
    [InlineData("FROM scratch\n")]
    public void The_dockerfile_frontend_or_none_gives_no_warning(string dockerfile) => Assert.Null(Check(dockerfile));

    [Fact]
    public void Another_frontend_is_named_with_its_line()
    {
        var warning = Check("#!/usr/bin/env slipway\n# syntax=example.com/frontends/rust:2 --flag\nFROM scratch\n");
        Assert.Equal(new ParseWarning(
            "# syntax=example.com/frontends/rust:2 --flag names the frontend \"example.com/frontends/rust:2\"; it is not fetched: the built-in Dockerfile frontend is used",
            2), warning);
    }

    [Fact]
    public void The_BUILDKIT_SYNTAX_build_arg_wins_over_the_directive()
    {
        Assert.Null(Check("# syntax=example.com/x:1\nFROM scratch\n", new() { ["BUILDKIT_SYNTAX"] = "docker/dockerfile:1" }));
        Assert.Equal(new ParseWarning(
            "--build-arg BUILDKIT_SYNTAX=tonistiigi/dockerfile:labs names the frontend \"tonistiigi/dockerfile:labs\"; it is not fetched: the built-in Dockerfile frontend is used",
            0), Check("FROM scratch\n", new() { ["BUILDKIT_SYNTAX"] = "tonistiigi/dockerfile:labs" }));
    }
}
