using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Testing;

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

    /// <summary>A TCP server on the host that answers every connection with <paramref name="greeting"/> (as an HTTP
    /// response) and closes it.</summary>
    private static TcpListener Serve(IPAddress address, string greeting)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync();
                    var body = greeting + "\n";
                    await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                        $"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        });
        return listener;
    }

    // stdin stays open for a while: a client that half-closes before the server answers (nc on an empty stdin) was
    // once seen to hang through pasta 2023.03, and the static busybox's wget crashes on this machine.
    private static string Probe(IPEndPoint endpoint) =>
        $"if (sleep 3) | nc -w 5 {endpoint.Address} {endpoint.Port}; then echo; echo REACHED; else echo UNREACHABLE; fi";

    [Fact]
    public async Task A_server_on_the_hosts_loopback_is_unreachable_by_default_and_reachable_with_network_host()
    {
        store.Require();
        using var server = Serve(IPAddress.Loopback, "hello-from-host-loopback");
        var probe = Probe((IPEndPoint)server.LocalEndpoint);

        var sandboxed = await Runner.OkAsync("build", "--progress", "plain", Context($"FROM busybox:1.35\nRUN-ONCE {probe}\n"));
        Assert.Contains("UNREACHABLE", sandboxed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hello-from-host-loopback", sandboxed.Error, StringComparison.Ordinal);

        var host = await Runner.OkAsync("build", "--progress", "plain", "--allow", "network.host",
            Context($"FROM busybox:1.35\nRUN-ONCE true\nRUN --network=host {probe}\n"));
        Assert.Contains("hello-from-host-loopback", host.Error, StringComparison.Ordinal);

        // Nothing of the step's network outlives it (pasta's pid files go with their namespaces; other test classes
        // may have steps running, so /run/netns is not looked at).
        Assert.Empty(Directory.Exists(Path.Join(Runner.Root, "runtime", "pasta")) ? Directory.GetFiles(Path.Join(Runner.Root, "runtime", "pasta")) : []);
    }

    [Fact]
    public async Task An_abstract_unix_socket_of_the_host_is_out_of_reach_by_default()
    {
        store.Require();
        var name = "slipway-probe-" + Guid.NewGuid().ToString("N")[..12];
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        socket.Listen();
        // Abstract unix sockets belong to a network namespace: /proc/net/unix lists those the step could connect to.
        var probe = $"if grep -q {name} /proc/net/unix; then echo VISIBLE; else echo INVISIBLE; fi";

        var sandboxed = await Runner.OkAsync("build", "--progress", "plain", Context($"FROM busybox:1.35\nRUN-ONCE {probe}\n"));
        Assert.Contains("INVISIBLE", sandboxed.Error, StringComparison.Ordinal);

        var host = await Runner.OkAsync("build", "--progress", "plain", "--network", "host", Context($"FROM busybox:1.35\nRUN-ONCE {probe}\n"));
        Assert.Contains("VISIBLE", host.Error.Replace("INVISIBLE", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outbound_connections_to_a_non_loopback_address_work_by_default()
    {
        store.Require();
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Capability.Require(address is not null, "needs a non-loopback IPv4 address on the host");
        using var server = Serve(address!, "hello-from-outside");

        var result = await Runner.OkAsync("build", "--progress", "plain",
            Context($"FROM busybox:1.35\nRUN-ONCE cat /etc/resolv.conf && {Probe((IPEndPoint)server.LocalEndpoint)}\n"));

        Assert.Contains("hello-from-outside", result.Error, StringComparison.Ordinal);
        Assert.Contains("nameserver 10.0.2.3", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Network_none_gives_only_loopback()
    {
        store.Require();

        var result = await Runner.OkAsync("build", "--progress", "plain",
            Context("FROM busybox:1.35\nRUN-ONCE true\nRUN --network=none cat /proc/net/dev\n"));

        Assert.Contains("lo:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("eth0", result.Error, StringComparison.Ordinal);
    }
}
