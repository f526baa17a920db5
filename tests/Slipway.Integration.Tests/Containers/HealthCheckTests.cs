using Slipway.Integration.Tests.Build;
using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Containers;

/// <summary>A HEALTHCHECK run for real: runc, the supervisor, probes exec'd in the container, state.json, and
/// <c>ps</c> and <c>logs</c> reading what they wrote.</summary>
public sealed class HealthCheckTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_container_whose_health_check_passes_becomes_healthy_and_its_logs_keep_both_streams()
    {
        store.Require();
        var ct = TestContext.Current.CancellationToken;
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM busybox:1.35\n"
            + "HEALTHCHECK --interval=1s --timeout=10s CMD test -e /tmp/ready\n"
            + "CMD [\"sh\", \"-c\", \"echo up; echo careful >&2; touch /tmp/ready; exec sleep 600\"]\n", ct);
        await Runner.OkAsync("build", "--progress", "plain", "-t", "health-check:1", context);
        var name = "hc-" + Guid.NewGuid().ToString("N")[..8];

        var run = Runner.RunAsync("run", "--name", name, "health-check:1");
        try
        {
            var status = "";
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!status.Contains("(healthy)", StringComparison.Ordinal) && DateTime.UtcNow < deadline && !run.IsCompleted)
            {
                await Task.Delay(250, ct);
                status = (await Runner.OkAsync("ps", "--filter", "name=^" + name + "$", "--format", "{{.Status}}|{{.HealthStatus}}")).Output;
            }

            if (run.IsCompleted)
            {
                var ended = await run;
                Assert.Fail($"run ended with {ended.Exit}: {ended.Error}{ended.Output}");
            }

            Assert.Matches(@"^Up (Less than a second|\d+ seconds?) \(healthy\)\|healthy\n$", status);
            var logs = await Runner.OkAsync("logs", name);
            Assert.Equal(("up\n", "careful\n"), (logs.Output, logs.Error));
            var inspect = await Runner.OkAsync("container", "inspect", "--format", "{{.State.Health.Status}} {{(index .State.Health.Log 0).ExitCode}}", name);
            Assert.Equal("healthy 0\n", inspect.Output);
        }
        finally
        {
            await Runner.RunAsync("rm", "-f", name);
            await run.WaitAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
        }
    }
}
