using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Tests.Instructions;

/// <summary>SOURCE_DATE_EPOCH as BuildKit's frontend takes it: the build arg, else a global ARG's value.</summary>
public sealed class SourceDateEpochTests
{
    private static DateTimeOffset? Resolve(string dockerfile, Dictionary<string, string>? buildArgs, out string? error)
    {
        buildArgs ??= [];
        var graph = DockerfileDocument.Parse(dockerfile).BuildGraph(new StageGraphOptions { BuildArgs = buildArgs }).Graph!;
        return SourceDateEpoch.Resolve(graph, buildArgs, out error);
    }

    [Fact]
    public void The_build_arg_sets_the_epoch()
    {
        var epoch = Resolve("FROM scratch\n", new() { ["SOURCE_DATE_EPOCH"] = "1700000000" }, out var error);
        Assert.Null(error);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), epoch);
    }

    [Fact]
    public void A_global_ARG_default_sets_it_and_the_build_arg_wins_over_it()
    {
        const string dockerfile = "ARG SOURCE_DATE_EPOCH=1600000000\nFROM scratch\nARG SOURCE_DATE_EPOCH\n";
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000), Resolve(dockerfile, null, out _));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Resolve(dockerfile, new() { ["SOURCE_DATE_EPOCH"] = "1700000000" }, out _));
    }

    [Fact]
    public void An_ARG_inside_a_stage_alone_or_an_empty_value_sets_none()
    {
        Assert.Null(Resolve("FROM scratch\nARG SOURCE_DATE_EPOCH=1600000000\n", null, out var error));
        Assert.Null(error);
        Assert.Null(Resolve("ARG SOURCE_DATE_EPOCH=1600000000\nFROM scratch\n", new() { ["SOURCE_DATE_EPOCH"] = "" }, out error));
        Assert.Null(error);
        Assert.Null(Resolve("FROM scratch\n", new() { ["SOURCE_DATE_EPOCH"] = "context" }, out error));
        Assert.Null(error);
    }

    [Fact]
    public void A_value_that_is_neither_a_number_nor_a_stage_is_buildkits_error()
    {
        Assert.Null(Resolve("FROM scratch\n", new() { ["SOURCE_DATE_EPOCH"] = "yesterday" }, out var error));
        Assert.Equal("invalid SOURCE_DATE_EPOCH: yesterday", error);
        Resolve("FROM scratch AS src\nFROM scratch\n", new() { ["SOURCE_DATE_EPOCH"] = "src" }, out error);
        Assert.Equal("SOURCE_DATE_EPOCH=src: taking the epoch from a stage is not supported", error);
    }
}
