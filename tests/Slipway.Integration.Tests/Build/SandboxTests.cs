using Slipway.Integration.Tests.Fixtures;

namespace Slipway.Integration.Tests.Build;

/// <summary>What a RUN step may do by default, and what only the person running the build can grant: the
/// entitlements, the seccomp filter and RUN's own network.</summary>
public sealed class SandboxTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    /// <summary>A context whose Dockerfile is <paramref name="dockerfile"/>; every RUN line gets a unique echo
    /// first so that no step is answered from the cache of another test.</summary>
    private string Context(string dockerfile)
    {
        var dir = Directory.CreateDirectory(Path.Join(_temp.Path, "ctx-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile.Replace("RUN-ONCE ", "RUN echo " + Guid.NewGuid().ToString("N") + " && ", StringComparison.Ordinal));
        return dir;
    }

    [Fact]
    public async Task Run_security_insecure_needs_allow_security_insecure_and_then_runs_unconfined()
    {
        store.Require();
        var dockerfile = "FROM busybox:1.35\nRUN-ONCE true\nRUN --security=insecure grep Seccomp: /proc/self/status && grep CapEff /proc/self/status\n";

        var denied = await Runner.RunAsync("build", "--progress", "plain", Context(dockerfile));
        Assert.Equal(1, denied.Exit);
        Assert.Contains("ERROR: Dockerfile:3:1: security.insecure is not allowed", denied.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("RUN echo", denied.Error, StringComparison.Ordinal);

        var allowed = await Runner.OkAsync("build", "--progress", "plain", "--allow", "security.insecure", Context(dockerfile));
        Assert.Contains("Seccomp:\t0", allowed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("CapEff:\t00000000a80425fb", allowed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_network_host_needs_allow_network_host()
    {
        store.Require();

        var denied = await Runner.RunAsync("build", "--progress", "plain", Context("FROM busybox:1.35\nRUN --network=host true\n"));

        Assert.Equal(1, denied.Exit);
        Assert.Contains("ERROR: Dockerfile:2:1: network.host is not allowed", denied.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_step_is_under_the_seccomp_filter()
    {
        store.Require();

        var result = await Runner.OkAsync("build", "--progress", "plain", Context("FROM busybox:1.35\nRUN-ONCE grep Seccomp: /proc/self/status\n"));

        Assert.Contains("Seccomp:\t2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_system_call_outside_the_allowlist_fails_with_EPERM_and_insecure_lifts_the_filter()
    {
        store.Require();
        // unshare(CLONE_NEWUSER) needs no capability, so only the filter stops it.
        var filtered = await Runner.RunAsync("build", "--progress", "plain", Context("FROM busybox:1.35\nRUN-ONCE unshare -U true\n"));

        Assert.Equal(1, filtered.Exit);
        Assert.Contains("Operation not permitted", filtered.Error, StringComparison.Ordinal);

        await Runner.OkAsync("build", "--progress", "plain", "--allow", "security.insecure",
            Context("FROM busybox:1.35\nRUN-ONCE true\nRUN --security=insecure unshare -U true\n"));
    }

    [Fact]
    public async Task Ordinary_programs_work_under_the_filter()
    {
        store.Require();
        var script = "set -e; mkdir -p /t/a && cp -a /bin /t/a/ && tar -cf /t/x.tar -C /t a && tar -xf /t/x.tar -C /tmp "
            + "&& sha256sum /t/x.tar >/dev/null && sort /etc/passwd | head -1 && chown nobody /t/x.tar && chmod 600 /t/x.tar "
            + "&& (sleep 0.1 & wait) && ln -s /t /u && rm -r /t && date >/dev/null && id -u";

        var result = await Runner.OkAsync("build", "--progress", "plain", Context($"FROM busybox:1.35\nRUN-ONCE {script}\n"));

        Assert.Contains("\n#", result.Error, StringComparison.Ordinal);
    }
}
