using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Slipway.Runtime.Network;

/// <summary>The network a RUN step gets by default: a network namespace of its own, connected to the outside by
/// pasta (Debian's passt), which turns the step's TCP/UDP/ICMP into ordinary sockets of the host. The host's
/// loopback stays out of reach: no gateway mapping, no port forwarding either way, except the ports a container
/// publishes (<see cref="PortMapping"/>): pasta listens on those host ports itself and forwards what comes in.
/// DNS goes to 10.0.2.3, which pasta forwards to the host's first resolver (so a resolver on the host's loopback
/// still answers names).</summary>
public sealed class PastaNetwork : IDisposable
{
    public const string Address = "10.0.2.100";
    public const string Gateway = "10.0.2.2";
    public const string Dns = "10.0.2.3";

    private readonly string _ip;
    private readonly string _name;
    private readonly string _pidFile;
    private bool _disposed;

    private PastaNetwork(string ip, string name, string pidFile)
    {
        _ip = ip;
        _name = name;
        _pidFile = pidFile;
    }

    /// <summary>The namespace for the OCI spec's <c>linux.namespaces</c> (runc joins it by path).</summary>
    public string NamespacePath => "/run/netns/" + _name;

    /// <summary>The pasta arguments: outbound only, nothing mapped to or forwarded from the host's loopback.</summary>
    public static IReadOnlyList<string> Arguments(string namespacePath, string pidFile) => Arguments(namespacePath, pidFile, []);

    /// <summary>The pasta arguments: outbound, and inbound only to the published ports: each host port (on its
    /// address, or every address) forwarded to its port in the namespace, <c>-t</c>/<c>-u</c> in pasta's
    /// <c>[address/]port[:target]</c> syntax. Nothing is mapped to the host's loopback.</summary>
    public static IReadOnlyList<string> Arguments(string namespacePath, string pidFile, IReadOnlyList<PortMapping> publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        var arguments = new List<string>
        {
            "--quiet", "--config-net",
            "--address", Address, "--netmask", "24", "--gateway", Gateway,
            // Without this pasta maps the gateway address to the host's 127.0.0.1.
            "--no-map-gw",
        };
        // The defaults (auto) forward every port bound on the host into the namespace's loopback and back; "none"
        // cannot be combined with a list, so a protocol with published ports gets only its list.
        foreach (var (option, protocol) in (ReadOnlySpan<(string, string)>)[("--tcp-ports", "tcp"), ("--udp-ports", "udp")])
        {
            var ports = publish.Where(p => p.Protocol == protocol).ToList();
            if (ports.Count == 0)
            {
                arguments.AddRange([option, "none"]);
            }

            foreach (var port in ports)
            {
                arguments.AddRange([option, ForwardSpec(port)]);
            }
        }

        arguments.AddRange(
        [
            "--tcp-ns", "none", "--udp-ns", "none",
            "--dns-forward", Dns,
            // pasta refuses to join a namespace as nobody; it drops its capabilities after setup.
            "--runas", "0",
            "--pid", pidFile,
            "--netns", namespacePath,
        ]);
        return arguments;
    }

    /// <summary>One published port in pasta's syntax: <c>8080:80</c>, <c>127.0.0.1/8080:80</c>.</summary>
    internal static string ForwardSpec(PortMapping port) =>
        (port.HostIp.Length == 0 ? "" : port.HostIp + "/")
        + port.HostPort.ToString(CultureInfo.InvariantCulture) + ":" + port.ContainerPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates the namespace and starts pasta on it; returns once the interface is configured (pasta
    /// forks into the background after that).
    /// <paramref name="name"/> is the step's container id, so that a prune can tell a killed build's namespace by
    /// its workspace and <see cref="Reclaim"/> it.</summary>
    public static Task<PastaNetwork> StartAsync(NetworkTools tools, string stateDir, string name, CancellationToken cancellationToken) =>
        StartAsync(tools, stateDir, name, [], cancellationToken);

    /// <summary><see cref="StartAsync(NetworkTools, string, string, CancellationToken)"/> with each of
    /// <paramref name="publish"/>'s host ports forwarded into the namespace.</summary>
    public static async Task<PastaNetwork> StartAsync(NetworkTools tools, string stateDir, string name, IReadOnlyList<PortMapping> publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(tools);
        // pasta (2023.03) starts without a word when a port it should forward is taken, and that port then
        // reaches the other program: refuse first, as dockerd does.
        foreach (var port in publish.Where(p => !PortSpec.IsFree(p)))
        {
            throw new PortSpecException($"Bind for {(port.HostIp.Length == 0 ? "0.0.0.0" : port.HostIp)}:{port.HostPort} failed: port is already allocated");
        }

        ArgumentException.ThrowIfNullOrEmpty(name);
        Directory.CreateDirectory(stateDir);
        var network = new PastaNetwork(tools.Ip, name, Path.Join(stateDir, name + ".pid"));
        await RunAsync(tools.Ip, ["netns", "add", name], cancellationToken).ConfigureAwait(false);
        try
        {
            // .NET ignores SIGPIPE and children inherit that; pasta (2023.03) refuses to start when SIGPIPE is
            // already ignored ("Couldn't install signal handlers"), so env resets it first.
            await RunAsync(tools.Env, ["--default-signal=PIPE", tools.Pasta, .. Arguments(network.NamespacePath, network._pidFile, publish)], cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        return network;
    }

    /// <summary>The step's /etc/resolv.conf: pasta's DNS forwarder, with the host's search domains and options.</summary>
    public static string ResolvConf(string hostResolvConf)
    {
        ArgumentNullException.ThrowIfNull(hostResolvConf);
        var text = new StringBuilder();
        foreach (var line in hostResolvConf.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("search ", StringComparison.Ordinal) || trimmed.StartsWith("domain ", StringComparison.Ordinal)
                || trimmed.StartsWith("options ", StringComparison.Ordinal))
            {
                text.Append(trimmed).Append('\n');
            }
        }

        return text.Append("nameserver ").Append(Dns).Append('\n').ToString();
    }

    /// <summary>Deletes the namespace (pasta exits when its namespace goes) and makes sure pasta is gone.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Remove(_ip, _name, _pidFile);
    }

    /// <summary>Removes what a killed build left of the network named <paramref name="name"/>: its namespace
    /// (if there is one) and its pasta process (by the pid file in <paramref name="stateDir"/>).</summary>
    public static void Reclaim(NetworkTools tools, string stateDir, string name)
    {
        ArgumentNullException.ThrowIfNull(tools);
        Remove(tools.Ip, name, Path.Join(stateDir, name + ".pid"));
    }

    private static void Remove(string ip, string name, string pidFile)
    {
        if (File.Exists("/run/netns/" + name))
        {
            try
            {
                RunAsync(ip, ["netns", "delete", name], CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Already gone: nothing to delete.
            }
        }

        try
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                using var pasta = Process.GetProcessById(pid);
                if (pasta.ProcessName.StartsWith("pasta", StringComparison.Ordinal) || pasta.ProcessName.StartsWith("passt", StringComparison.Ordinal))
                {
                    pasta.Kill();
                }
            }
        }
        catch (ArgumentException)
        {
            // It exited with its namespace, as it should.
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            // A build killed before pasta started has no pid file (and perhaps no state folder).
            if (File.Exists(pidFile))
            {
                File.Delete(pidFile);
            }
        }
    }

    private static async Task RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        // pasta's background child may hold the pipes a little longer: what it said before forking is enough.
        await Task.WhenAny(Task.WhenAll(stderr, stdout), Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)).ConfigureAwait(false);
        var error = stderr.IsCompletedSuccessfully ? stderr.Result : "";
        if (process.ExitCode != 0)
        {
            // pasta without a syslog prints "Failed to send … to syslog" for each line; keep what it said.
            var said = string.Join("; ", error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.StartsWith("Failed to send", StringComparison.Ordinal)));
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', start.ArgumentList)} failed (exit {process.ExitCode}): {said}");
        }
    }
}

/// <summary>The programs RUN's default network needs, found on PATH.</summary>
public sealed record NetworkTools(string Pasta, string Ip, string Env)
{
    /// <summary>What to tell the user when they are missing.</summary>
    public const string Missing = "RUN's default network needs pasta (Debian package passt) and ip (iproute2): install them, or build with --network=none";

    public static NetworkTools? Find(string? pathVariable) =>
        RuntimeDetector.FindOnPath("pasta", pathVariable) is { } pasta && RuntimeDetector.FindOnPath("ip", pathVariable) is { } ip
            && RuntimeDetector.FindOnPath("env", pathVariable) is { } env
            ? new NetworkTools(pasta, ip, env)
            : null;
}
