using Slipway.Integration.Tests.Build;

namespace Slipway.Integration.Tests.Containers;

/// <summary>The Go tutorial's ending with Slipway alone: the three-stage health-check example (a Go server, a Go
/// health probe, <c>scratch</c>) run detached with a published port, reached from the host, <c>(healthy)</c> in
/// <c>ps</c>, its first log line, a second copy on another host port, and <c>rm -f</c> leaving nothing.</summary>
public sealed class TutorialRunTests(GolangStore store) : IClassFixture<GolangStore>, IAsyncLifetime
{
    private const string Image = "hello-health:1.0";

    private SlipwayRunner Runner => store.Runner;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await ContainerChecks.RemoveAllAsync(Runner);
        ContainerChecks.AssertNothingLeft(Runner);
    }

    private async Task BuildAsync()
    {
        store.Require();
        Slipway.Testing.Capability.RequireTool("pasta");
        var context = BuildStore.Example("go-web");
        await Runner.OkAsync("build", "--progress", "plain", "-f", Path.Join(context, "Dockerfile.healthcheck"), "-t", Image, context);
    }

    private async Task<string> StatusAsync(string name) =>
        (await Runner.OkAsync("ps", "--filter", "name=^" + name + "$", "--format", "{{.Status}}")).Output.Trim();

    [Fact]
    public async Task The_health_check_example_runs_detached_answers_becomes_healthy_and_rm_f_leaves_nothing()
    {
        await BuildAsync();
        var (port, other) = (ContainerChecks.FreePort(), ContainerChecks.FreePort());

        await Runner.OkAsync("run", "-d", "-p", $"{port}:8080", "--name", "hello-health", Image);

        Assert.Equal("hello from a slipway-built image\n", await ContainerChecks.GetAsync(port, Ct));
        // Two intervals of the image's HEALTHCHECK (30s), from the start.
        var status = "";
        for (var attempt = 0; attempt < 240 && !status.Contains("(healthy)", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250, Ct);
            status = await StatusAsync("hello-health");
        }

        Assert.Matches(@"^Up .* \(healthy\)$", status);
        Assert.Matches(@"listening on :8080\n$", (await Runner.OkAsync("logs", "hello-health")).Error.Split('\n')[0] + "\n");
        var ps = (await Runner.OkAsync("ps")).Output;
        Assert.Contains($"0.0.0.0:{port}->8080/tcp", ps, StringComparison.Ordinal);
        Assert.Contains("hello-health", ps, StringComparison.Ordinal);

        await Runner.OkAsync("run", "-d", "-p", $"{other}:8080", "--name", "hello-health-2", Image);
        Assert.Equal("hello from a slipway-built image\n", await ContainerChecks.GetAsync(other, Ct));

        Assert.Equal("hello-health\nhello-health-2\n", (await Runner.OkAsync("rm", "-f", "hello-health", "hello-health-2")).Output);
        Assert.True(ContainerChecks.PortIsFree(port) && ContainerChecks.PortIsFree(other), "a published port is still taken after rm -f");
        Assert.Equal("", (await Runner.OkAsync("ps", "-aq")).Output);
        ContainerChecks.AssertNothingLeft(Runner);
    }

    [Fact]
    public async Task The_health_check_example_listening_elsewhere_becomes_unhealthy()
    {
        await BuildAsync();

        // The probe asks :8080; the server listens on :9090; checks every second, counted at once.
        await Runner.OkAsync("run", "-d", "--name", "hello-sick", "--health-interval", "1s", "--health-start-period", "1ms", "--health-retries", "2",
            Image, "-addr", ":9090");

        var status = "";
        for (var attempt = 0; attempt < 240 && !status.Contains("(unhealthy)", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250, Ct);
            status = await StatusAsync("hello-sick");
        }

        Assert.Matches(@"^Up .* \(unhealthy\)$", status);
    }
}
