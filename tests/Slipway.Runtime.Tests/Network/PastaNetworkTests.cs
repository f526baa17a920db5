using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Slipway.Runtime.Network;
using Slipway.Runtime.Spec;
using Slipway.Testing;

namespace Slipway.Runtime.Tests.Network;

/// <summary>Published ports: pasta's arguments, and real containers answering on their host ports (root, runc,
/// pasta and the host's busybox).</summary>
public sealed class PastaNetworkTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-pasta-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Each_published_port_is_forwarded_in_pastas_syntax_and_the_rest_stays_closed()
    {
        var args = PastaNetwork.Arguments("/run/netns/x", "/tmp/p.pid",
        [
            new PortMapping("", 8080, 80, "tcp"), new PortMapping("127.0.0.1", 8443, 443, "tcp"), new PortMapping("::1", 5353, 53, "udp"),
        ]).ToList();

        Assert.Equal(["8080:80", "127.0.0.1/8443:443"], Values(args, "--tcp-ports"));
        Assert.Equal(["::1/5353:53"], Values(args, "--udp-ports"));
        Assert.Equal(["none"], Values(args, "--tcp-ns"));
        Assert.Equal(["none"], Values(args, "--udp-ns"));
        Assert.Contains("--no-map-gw", args);
    }

    [Fact]
    public void Without_published_ports_of_a_protocol_none_of_its_ports_are_forwarded()
    {
        var args = PastaNetwork.Arguments("/run/netns/x", "/tmp/p.pid", [new PortMapping("", 5353, 53, "udp")]).ToList();

        Assert.Equal(["none"], Values(args, "--tcp-ports"));
        Assert.Equal(["5353:53"], Values(args, "--udp-ports"));
    }

    [Fact]
    public async Task A_host_port_another_program_listens_on_is_refused_before_anything_starts()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;
        // Tools that do not exist: nothing may be run.
        var tools = new NetworkTools("/nonexistent/pasta", "/nonexistent/ip", "/nonexistent/env");

        var error = await Assert.ThrowsAsync<PortSpecException>(() =>
            PastaNetwork.StartAsync(tools, Path.Join(_dir.FullName, "net"), "slipway-pasta-taken", [new PortMapping("127.0.0.1", taken, 80, "tcp")], Token));
        var everywhere = await Assert.ThrowsAsync<PortSpecException>(() =>
            PastaNetwork.StartAsync(tools, Path.Join(_dir.FullName, "net"), "slipway-pasta-taken", [new PortMapping("", taken, 80, "tcp")], Token));

        Assert.Equal($"Bind for 127.0.0.1:{taken} failed: port is already allocated", error.Message);
        Assert.Equal($"Bind for 0.0.0.0:{taken} failed: port is already allocated", everywhere.Message);
    }

    private static List<string> Values(List<string> args, string flag) =>
        [.. args.Select((a, i) => (a, i)).Where(p => p.a == flag).Select(p => args[p.i + 1])];

    [Fact]
    public async Task Two_containers_listening_on_port_80_answer_each_on_its_own_host_port()
    {
        Capability.RequireRoot();
        var tools = NetworkTools.Find(Environment.GetEnvironmentVariable("PATH"));
        Capability.Require(tools is not null, NetworkTools.Missing);
        var chosen = RuntimeDetector.Choose(RuntimeDetector.Detect(Environment.GetEnvironmentVariable("PATH"), RuntimeDetector.DetectCgroupLayout()), null, out var error);
        Capability.Require(chosen is not null, error ?? "no runtime");
        var runtime = new OciRuntime(chosen!.Path!, Path.Join(_dir.FullName, "state"));
        var everywhere = Assert.Single(PortSpec.Parse("80"));
        var loopbackOnly = Assert.Single(PortSpec.Parse("127.0.0.1::80"));

        var started = new List<(PastaNetwork Network, ContainerSpec Spec, Task<int> Run)>();
        try
        {
            foreach (var (answer, port) in (List<(string, PortMapping)>)[("one", everywhere), ("two", loopbackOnly)])
            {
                var id = "slipway-pasta-test-" + Guid.NewGuid().ToString("N")[..8];
                var network = await PastaNetwork.StartAsync(tools!, Path.Join(_dir.FullName, "net"), id, [port], Token);
                var spec = Serving(id, answer, network.NamespacePath);
                started.Add((network, spec, runtime.RunAsync(spec, _ => { }, Token)));
            }

            Assert.Equal("one", await GetAsync(IPAddress.Loopback, everywhere.HostPort));
            Assert.Equal("two", await GetAsync(IPAddress.Loopback, loopbackOnly.HostPort));
            if (OtherAddress() is { } other)
            {
                Assert.Equal("one", await GetAsync(other, everywhere.HostPort));
                // Bound to 127.0.0.1 only: another address of the host has nothing on that port.
                using var client = new TcpClient();
                await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(other, loopbackOnly.HostPort, Token).AsTask());
            }
        }
        finally
        {
            foreach (var (network, spec, run) in started)
            {
                await runtime.DeleteAsync(spec.Id, CancellationToken.None);
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None));
                network.Dispose();
            }
        }

        Assert.Empty(runtime.Containers("slipway-pasta-test-"));
    }

    /// <summary>A container serving <paramref name="answer"/> over HTTP on port 80 in the namespace.</summary>
    private ContainerSpec Serving(string id, string answer, string namespacePath)
    {
        var bundle = Directory.CreateDirectory(Path.Join(_dir.FullName, id)).FullName;
        var rootfs = Path.Join(bundle, "rootfs");
        foreach (var d in (string[])["bin", "proc", "dev", "sys", "tmp", "www"])
        {
            Directory.CreateDirectory(Path.Join(rootfs, d));
        }

        File.Copy(Capability.RequireTool("busybox"), Path.Join(rootfs, "bin", "busybox"));
        File.CreateSymbolicLink(Path.Join(rootfs, "bin", "sh"), "busybox");
        File.WriteAllText(Path.Join(rootfs, "www", "index.html"), answer);
        return new ContainerSpec
        {
            Id = id,
            Rootfs = rootfs,
            BundleDir = bundle,
            Process = new StepProcess
            {
                Args = ["/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www"],
                Env = ["PATH=/bin"],
                NetworkNamespace = namespacePath,
            },
        };
    }

    /// <summary>The page on <paramref name="address"/>:<paramref name="port"/>, retried while the server starts.</summary>
    private static async Task<string> GetAsync(IPAddress address, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = new Uri($"http://{(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address)}:{port}/");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await http.GetStringAsync(url, Token)).Trim();
            }
            catch (HttpRequestException) when (attempt < 120)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), Token);
            }
        }
    }

    /// <summary>An IPv4 address of this host other than loopback, if it has one.</summary>
    private static IPAddress? OtherAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
