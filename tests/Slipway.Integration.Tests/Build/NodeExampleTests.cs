namespace Slipway.Integration.Tests.Build;

/// <summary>The Node TypeScript example: <c>npm ci</c> with a cache mount, a build stage, production modules only,
/// and a non-root runtime stage that runs the compiled code.</summary>
public sealed class NodeExampleTests(NodeStore store) : IClassFixture<NodeStore>
{
    [Fact]
    public async Task The_node_example_builds_and_its_non_root_runtime_runs_the_compiled_app_without_dev_dependencies()
    {
        store.Require();
        var runner = store.Runner;
        await runner.OkAsync("build", "--progress", "plain", "-t", "node-ts:test", BuildStore.Example("node-ts"));

        var run = await runner.OkAsync("run", "--rm", "node-ts:test");
        Assert.Equal("hello from a TypeScript app (example duration: 2 minutes)", run.Output.Trim());
        var config = (await BuiltImage.InspectAsync(runner, "node-ts:test")).GetProperty("Config");
        Assert.Equal("nobody", config.GetProperty("User").GetString());
        var modules = await runner.OkAsync("run", "--rm", "node-ts:test", "ls", "/app/node_modules");
        Assert.Contains("ms", modules.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("typescript", modules.Output, StringComparison.Ordinal);
        var sources = await runner.RunAsync("run", "--rm", "node-ts:test", "ls", "/app/src");
        Assert.NotEqual(0, sources.Exit);
    }
}
