using System.Text.Json;

namespace Slipway.Integration.Tests.Build;

/// <summary>The examples build as their READMEs promise and the images run. The class shares one store, so the
/// golang builder stage is compiled cold once and the later builds of go-web reuse it.</summary>
public sealed class ExampleBuildTests(ExampleStore store) : IClassFixture<ExampleStore>
{
    private SlipwayRunner Runner => store.Runner;

    [Fact]
    public async Task The_static_C_example_builds_into_scratch_with_one_layer_and_runs()
    {
        store.Require();

        await Runner.OkAsync("build", "--progress", "plain", "-t", "c-static:test", BuildStore.Example("c-static"));

        var run = await Runner.OkAsync("run", "--rm", "c-static:test");
        Assert.Equal("hello from a static C binary\n", run.Output);
        var layers = await BuiltImage.LayerPathsAsync(Runner, "c-static:test");
        var only = Assert.Single(layers);
        Assert.Contains("hello", only);
        Assert.DoesNotContain(only, p => p == "usr" || p.StartsWith("usr/", StringComparison.Ordinal));
        var config = (await BuiltImage.InspectAsync(Runner, "c-static:test")).GetProperty("Config");
        Assert.Equal("65534", config.GetProperty("User").GetString());
    }

    [Fact]
    public async Task The_go_web_example_ships_only_its_binary_with_user_port_and_entrypoint()
    {
        store.Require();

        await Runner.OkAsync("build", "--progress", "plain", "-t", "go-web:test", BuildStore.Example("go-web"));

        var run = await Runner.OkAsync("run", "--rm", "go-web:test", "-once");
        Assert.Equal("hello from a slipway-built image\n", run.Output);
        var layers = await BuiltImage.LayerPathsAsync(Runner, "go-web:test");
        Assert.Equal(["web"], layers.SelectMany(l => l));
        var config = (await BuiltImage.InspectAsync(Runner, "go-web:test")).GetProperty("Config");
        Assert.Equal("65532:65532", config.GetProperty("User").GetString());
        Assert.Equal(["8080/tcp"], config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["/web"], Strings(config.GetProperty("Entrypoint")));
    }

    [Fact]
    public async Task Building_the_go_web_builder_target_stops_at_the_toolchain_stage()
    {
        store.Require();

        var build = await Runner.OkAsync("build", "--progress", "plain", "--target", "builder", "-t", "go-web:builder", BuildStore.Example("go-web"));

        Assert.DoesNotContain("[stage-1 ", build.Error, StringComparison.Ordinal);
        var config = (await BuiltImage.InspectAsync(Runner, "go-web:builder")).GetProperty("Config");
        Assert.Equal("/src", config.GetProperty("WorkingDir").GetString());
        var run = await Runner.OkAsync("run", "--rm", "go-web:builder", "/bin/sh", "-c", "command -v go && ls /out");
        Assert.Equal("/usr/bin/go\nweb\n", run.Output);
    }

    [Fact]
    public async Task The_healthcheck_example_writes_the_healthcheck_config_docker_writes()
    {
        store.Require();
        var context = BuildStore.Example("go-web");

        await Runner.OkAsync("build", "--progress", "plain", "-f", Path.Join(context, "Dockerfile.healthcheck"), "-t", "go-web:health", context);

        var health = (await BuiltImage.InspectAsync(Runner, "go-web:health")).GetProperty("Config").GetProperty("Healthcheck");
        Assert.Equal(["CMD", "/healthcheck"], Strings(health.GetProperty("Test")));
        Assert.Equal(30_000_000_000, health.GetProperty("Interval").GetInt64());
        Assert.Equal(3_000_000_000, health.GetProperty("Timeout").GetInt64());
        Assert.Equal(5_000_000_000, health.GetProperty("StartPeriod").GetInt64());
        Assert.Equal(3, health.GetProperty("Retries").GetInt32());
        var layers = await BuiltImage.LayerPathsAsync(Runner, "go-web:health");
        Assert.Equal(["web", "healthcheck"], layers.SelectMany(l => l));
    }

    [Fact]
    public async Task The_default_target_of_the_test_stage_example_skips_the_test_stage()
    {
        store.Require();

        var build = await Runner.OkAsync("build", "--progress", "plain", "-t", "test-stage:prod", BuildStore.Example("test-stage"));

        Assert.DoesNotContain("[test ", build.Error, StringComparison.Ordinal);
        Assert.Contains("[build ", build.Error, StringComparison.Ordinal);
        var run = await Runner.OkAsync("run", "--rm", "test-stage:prod");
        Assert.Equal("built for production\n", run.Output);
    }

    [Fact]
    public async Task Targeting_the_test_stage_runs_go_test()
    {
        store.Require();

        var build = await Runner.OkAsync("build", "--progress", "plain", "--target", "test", BuildStore.Example("test-stage"));

        Assert.Matches(@"\[test \d/\d\] RUN go test \./\.\.\.", build.Error);
        Assert.Matches(@"ok\s+\S+", build.Error);
        Assert.DoesNotContain("[production ", build.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_arg_reaches_the_binary()
    {
        store.Require();

        await Runner.OkAsync("build", "--progress", "plain", "--build-arg", "BUILD_ENV=staging", "-t", "test-stage:staging", BuildStore.Example("test-stage"));

        var run = await Runner.OkAsync("run", "--rm", "test-stage:staging");
        Assert.Equal("built for staging\n", run.Output);
        var user = (await BuiltImage.InspectAsync(Runner, "test-stage:staging")).GetProperty("Config").GetProperty("User");
        Assert.Equal("nobody", user.GetString());
    }

    private static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString());
}
