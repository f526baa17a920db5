using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;

namespace Slipway.Build.Tests.Ops;

/// <summary>A step's key holds the platform its stage runs on (its FROM --platform, else the target), not the
/// target alone: a builder stage on the build platform is one step for every target until it reads a TARGET* ARG.</summary>
public sealed class PlatformKeysTests
{
    private const string Builder = "FROM --platform=$BUILDPLATFORM scratch AS builder\nRUN echo hi\nARG TARGETARCH\nRUN echo $TARGETARCH\n";

    private static readonly StepState Input = new() { Layers = [], Config = new ImageConfig { Os = "linux", Architecture = "amd64", RootFs = new RootFs { DiffIds = [] } }, Args = new Dictionary<string, string?>() };

    private static async Task<CacheKey> KeyAsync(string dockerfile, string step, string target, string? before = null)
    {
        using var fixture = new OpsFixture(dockerfile, target: Platform.Parse(target));
        // The ARG step puts its value in scope for the steps after it.
        var input = before is null ? Input : await fixture.ExecAsync(before, Input);
        return CacheKey.For(await fixture.CacheMapAsync(step, input), []);
    }

    [Fact]
    public async Task A_step_of_a_stage_on_the_build_platform_has_one_key_for_every_target()
    {
        Assert.Equal(await KeyAsync(Builder, "RUN echo hi", "linux/amd64"), await KeyAsync(Builder, "RUN echo hi", "linux/arm64"));
        Assert.Equal(await KeyAsync(Builder, "FROM scratch", "linux/amd64"), await KeyAsync(Builder, "FROM scratch", "linux/arm64"));
    }

    [Fact]
    public async Task A_step_that_reads_a_target_arg_has_a_key_per_target()
    {
        Assert.NotEqual(await KeyAsync(Builder, "RUN echo $TARGETARCH", "linux/amd64", "ARG TARGETARCH"),
            await KeyAsync(Builder, "RUN echo $TARGETARCH", "linux/arm64", "ARG TARGETARCH"));
    }

    [Fact]
    public async Task A_step_of_a_stage_on_the_target_has_a_key_per_target()
    {
        const string Plain = "FROM scratch\nRUN echo hi\n";
        Assert.NotEqual(await KeyAsync(Plain, "RUN echo hi", "linux/amd64"), await KeyAsync(Plain, "RUN echo hi", "linux/arm64"));
    }

    [Fact]
    public void Steps_are_named_with_the_platform_their_stage_runs_on_and_the_target_once_a_target_arg_is_declared()
    {
        var graph = Dockerfile.Instructions.StageGraph.Build(
            Dockerfile.Instructions.InstructionParser.Parse(Dockerfile.Syntax.DockerfileParser.Parse(Builder + "FROM scratch\nCOPY --from=builder /a /a\n", "Dockerfile")),
            new Dockerfile.Instructions.StageGraphOptions { BuildPlatform = "linux/amd64", TargetPlatform = "linux/arm64" }, '\\').Graph!;
        var target = BuildPlanner.Plan(graph, noCache: false, target: Platform.Parse("linux/arm64"));
        var names = new List<string>();
        var stack = new Stack<Vertex>([target]);
        while (stack.TryPop(out var vertex))
        {
            names.Add(vertex.Name);
            Assert.Equal("linux/arm64", ((StepVertex)vertex).Target?.ToString());
            foreach (var input in vertex.Inputs)
            {
                stack.Push(input);
            }
        }

        Assert.Contains("[linux/amd64 builder 2/4] RUN echo hi", names);
        Assert.Contains("[linux/amd64->arm64 builder 4/4] RUN echo $TARGETARCH", names);
        Assert.Contains("[linux/arm64 stage-1 2/2] COPY --from=builder /a /a", names);
    }

    [Theory]
    [InlineData("linux/amd64", "linux/amd64", true, "linux/amd64 ")]
    [InlineData("linux/amd64", "linux/arm64", false, "linux/amd64 ")]
    [InlineData("linux/amd64", "linux/arm/v7", true, "linux/amd64->arm/v7 ")]
    [InlineData("linux/amd64", "windows/amd64", true, "linux/amd64->windows/amd64 ")]
    public void The_prefix_is_buildkits(string stage, string target, bool targetArgs, string expected) =>
        Assert.Equal(expected, BuildPlanner.PlatformPrefix(Platform.Parse(stage), Platform.Parse(target), targetArgs));
}
