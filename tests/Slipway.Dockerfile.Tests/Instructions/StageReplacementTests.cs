using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Tests.Instructions;

/// <summary>A named build context called like a stage replaces it, as BuildKit's do: none of the stage is built, so
/// what only it needed is not needed.</summary>
public sealed class StageReplacementTests
{
    private const string Dockerfile = """
        FROM golang:1.22 AS tools
        RUN make tools
        FROM busybox AS builder
        COPY --from=tools /bin/tool /bin/tool
        RUN build
        FROM scratch
        COPY --from=builder /out /out
        """;

    private static StageGraph Graph(Func<string, bool>? replaces) =>
        DockerfileDocument.Parse(Dockerfile).BuildGraph(new StageGraphOptions { ReplacesStage = replaces }).Graph!;

    [Fact]
    public void A_replaced_stage_needs_nothing_and_runs_nothing()
    {
        var graph = Graph(name => name == "builder");

        Assert.Equal(["builder", null], graph.Required.Select(s => s.Name));
        var builder = graph.Required[0];
        Assert.True(builder.Replaced);
        Assert.Empty(builder.Instructions);
        Assert.Empty(builder.Dependencies);
        Assert.False(builder.IsExternalBase);
    }

    [Fact]
    public void Without_named_contexts_every_stage_the_target_reads_is_required()
    {
        var graph = Graph(null);

        Assert.Equal(["tools", "builder", null], graph.Required.Select(s => s.Name));
        Assert.All(graph.Required, s => Assert.False(s.Replaced));
    }
}
