using Slipway.Integration.Tests.Build;

namespace Slipway.Integration.Tests.Containers;

/// <summary><c>logs -f</c> on a detached container run with runc: it prints what comes as it comes and ends when the
/// container stops.</summary>
public sealed class LogsFollowTests(BusyboxStore store) : IClassFixture<BusyboxStore>
{
    private SlipwayRunner Runner => store.Runner;

    [Fact]
    public async Task Logs_follow_ends_when_the_detached_container_stops()
    {
        store.Require();
        var name = "follow-" + Guid.NewGuid().ToString("N")[..8];
        await Runner.OkAsync("run", "-d", "--name", name, "busybox:1.35", "sh", "-c", "echo first; sleep 2; echo second >&2; echo third");
        try
        {
            var follow = await Runner.RunAsync("logs", "-f", "-t", name).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

            Assert.Equal(0, follow.Exit);
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z first\n\S+ third\n$", follow.Output);
            Assert.Matches(@"^\S+Z second\n$", follow.Error);
            Assert.Contains("Exited (0)", (await Runner.OkAsync("ps", "-a", "--filter", "name=" + name)).Output, StringComparison.Ordinal);
        }
        finally
        {
            await Runner.RunAsync("rm", "-f", name);
        }
    }
}
