using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Slipway.Oci;

namespace Slipway.Runtime.Network;

/// <summary>docker's <c>-p</c> and <c>-P</c> (go-connections' <c>nat.ParsePortSpec</c> and docker/cli's long form
/// <c>published=8080,target=80</c>) into <see cref="PortMapping"/>s, with docker's error texts. A host port left out
/// (or 0) becomes a free port of the host; a host range for one container port becomes its first free port.</summary>
public static class PortSpec
{
    /// <summary>One <c>-p</c> value: <c>[ip:][hostPort:]containerPort[/proto]</c>, ports or ranges
    /// (<c>8000-8001:80-81</c>), an IPv6 address in brackets, or the long form.</summary>
    public static IReadOnlyList<PortMapping> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var raw = value.Contains('=', StringComparison.Ordinal) ? LongForm(value) : value;
        var (ip, hostPort, containerPart) = SplitParts(raw);
        var (protocol, containerPort) = SplitProtoPort(containerPart);
        if (containerPort.Length == 0)
        {
            throw new PortSpecException($"no port specified: {raw}<empty>");
        }

        protocol = protocol.ToLowerInvariant();
        if (protocol is not ("tcp" or "udp" or "sctp"))
        {
            throw new PortSpecException("invalid proto: " + protocol);
        }

        if (ip.Length > 0 && ip[0] == '[')
        {
            // Go's net.SplitHostPort(ip + ":"): the brackets must close at the end.
            if (ip[^1] != ']' || ip.IndexOf(']', StringComparison.Ordinal) != ip.Length - 1)
            {
                throw new PortSpecException($"invalid IP address {ip}: address {ip}:: {(ip.Contains(']', StringComparison.Ordinal) ? "missing port in address" : "missing ']' in address")}");
            }

            ip = ip[1..^1];
        }

        if (ip.Length > 0 && !IsIp(ip))
        {
            throw new PortSpecException("invalid IP address: " + ip);
        }

        if (!TryRange(containerPort, out var start, out var end))
        {
            throw new PortSpecException("invalid containerPort: " + containerPort);
        }

        int hostStart = 0, hostEnd = 0;
        if (hostPort.Length > 0)
        {
            if (!TryRange(hostPort, out hostStart, out hostEnd))
            {
                throw new PortSpecException("invalid hostPort: " + hostPort);
            }

            if (end - start != hostEnd - hostStart && end != start)
            {
                throw new PortSpecException($"invalid ranges specified for container and host Ports: {containerPort} and {hostPort}");
            }
        }

        if (protocol == "sctp")
        {
            throw new PortSpecException($"cannot publish {value}: sctp is not forwarded (pasta forwards tcp and udp)");
        }

        var address = ip.Length == 0 ? "" : IPAddress.Parse(ip).ToString();
        var count = end - start + 1;
        var result = new List<PortMapping>(count);
        for (var i = 0; i < count; i++)
        {
            var chosen = hostPort.Length == 0 || (hostStart == 0 && hostEnd == 0) ? FreePort(address, protocol, 0, 0)
                : count == 1 && hostStart != hostEnd ? FreePort(address, protocol, hostStart, hostEnd)
                : hostStart + i;
            result.Add(new PortMapping(address, chosen, start + i, protocol));
        }

        return result;
    }

    /// <summary><c>-P</c>: every exposed port (<c>80/tcp</c> as an image's ExposedPorts holds it, or <c>80</c>) to
    /// a free host port on every address.</summary>
    public static IReadOnlyList<PortMapping> PublishAll(IEnumerable<string> exposedPorts)
    {
        ArgumentNullException.ThrowIfNull(exposedPorts);
        var ports = new List<(int Port, string Protocol)>();
        foreach (var exposed in exposedPorts)
        {
            var (protocol, port) = SplitProtoPort(exposed);
            protocol = protocol.ToLowerInvariant();
            if (protocol == "sctp")
            {
                // docker publishes it; pasta cannot, and -P should not fail for a port it cannot serve anyway.
                continue;
            }

            if (protocol is not ("tcp" or "udp") || !TryRange(port, out var start, out var end))
            {
                throw new PortSpecException("invalid port: " + exposed);
            }

            for (var p = start; p <= end; p++)
            {
                ports.Add((p, protocol));
            }
        }

        return [.. ports.Distinct().OrderBy(p => p.Port).ThenBy(p => p.Protocol, StringComparer.Ordinal)
            .Select(p => new PortMapping("", FreePort("", p.Protocol, 0, 0), p.Port, p.Protocol))];
    }

    /// <summary>docker/cli's <c>convertToStandardNotation</c>: <c>published=8080,target=80,protocol=udp</c>.</summary>
    private static string LongForm(string value)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["protocol"] = "tcp" };
        foreach (var parameter in value.Split(','))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new PortSpecException($"invalid publish opts format (should be name=value but got '{parameter}')");
            }

            parameters[parameter[..equals]] = parameter[(equals + 1)..];
        }

        return $"{parameters.GetValueOrDefault("published", "")}:{parameters.GetValueOrDefault("target", "")}/{parameters["protocol"]}";
    }

    private static (string Ip, string HostPort, string ContainerPort) SplitParts(string raw)
    {
        var parts = raw.Split(':');
        return parts.Length switch
        {
            1 => ("", "", parts[0]),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => (string.Join(':', parts[..^2]), parts[^2], parts[^1]),
        };
    }

    private static (string Protocol, string Port) SplitProtoPort(string raw)
    {
        var slash = raw.IndexOf('/', StringComparison.Ordinal);
        var port = slash < 0 ? raw : raw[..slash];
        var protocol = slash < 0 ? "" : raw[(slash + 1)..];
        return port.Length == 0 ? ("", "") : (protocol.Length == 0 ? "tcp" : protocol, port);
    }

    /// <summary>go-connections' <c>parsePortRange</c>: <c>N</c> or <c>N-M</c>, each 0–65535, M not below N.</summary>
    private static bool TryRange(string ports, out int start, out int end)
    {
        start = end = 0;
        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? ports : ports[..dash];
        if (!TryPort(first, out start))
        {
            return false;
        }

        if (dash < 0 || ports[(dash + 1)..] == first)
        {
            end = start;
            return true;
        }

        return TryPort(ports[(dash + 1)..], out end) && end >= start;
    }

    // Go's ParseInt takes a sign; a port never has one that survives the range check except "+N".
    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;

    private static bool IsIp(string text) =>
        IPAddress.TryParse(text, out var address) && (text.Contains(':', StringComparison.Ordinal)
            ? address.AddressFamily == AddressFamily.InterNetworkV6 && !text.Contains('%', StringComparison.Ordinal)
            : text.Count(c => c == '.') == 3 && text.All(c => c == '.' || char.IsAsciiDigit(c)));

    /// <summary>Whether <paramref name="port"/>'s host port can be bound now (on both IPv4 and IPv6 when it has no
    /// address). TCP sockets in TIME_WAIT do not count, as pasta binds with SO_REUSEADDR; a UDP socket of another
    /// program does.</summary>
    internal static bool IsFree(PortMapping port)
    {
        ArgumentNullException.ThrowIfNull(port);
        var udp = port.Protocol == "udp";
        var ip = port.HostIp.Length == 0 ? IPAddress.IPv6Any : IPAddress.Parse(port.HostIp);
        try
        {
            return TryBind(ip, udp, port.HostPort);
        }
        catch (SocketException ex) when (port.HostIp.Length == 0 && ex.SocketErrorCode == SocketError.AddressFamilyNotSupported)
        {
            // A host without IPv6.
            return TryBind(IPAddress.Any, udp, port.HostPort);
        }
    }

    private static bool TryBind(IPAddress ip, bool udp, int port)
    {
        using var socket = udp
            ? new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (ip.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true;
        }

        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, !udp);
        try
        {
            socket.Bind(new IPEndPoint(ip, port));
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    /// <summary>A port of the host nothing listens on now, on <paramref name="address"/> (every address when empty):
    /// the kernel's choice, or the first free one of <paramref name="first"/>–<paramref name="last"/>. Another
    /// process may take it before pasta binds it; pasta then fails and says so.</summary>
    private static int FreePort(string address, string protocol, int first, int last)
    {
        var ip = address.Length == 0 ? IPAddress.Any : IPAddress.Parse(address);
        for (var port = first; port <= last; port++)
        {
            using var socket = protocol == "udp"
                ? new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(ip, port));
                return ((IPEndPoint)socket.LocalEndPoint!).Port;
            }
            catch (SocketException) when (port < last)
            {
            }
            catch (SocketException ex)
            {
                throw new PortSpecException(first == 0
                    ? $"no free port to publish on {(address.Length == 0 ? "the host" : address)}: {ex.Message}"
                    : $"Bind for {(address.Length == 0 ? "0.0.0.0" : address)}:{first}-{last} failed: port is already allocated");
            }
        }

        throw new UnreachableException();
    }
}

/// <summary>A <c>-p</c>/<c>--publish</c> or <c>-P</c> value that cannot be published; the message is docker's where
/// docker has one.</summary>
public sealed class PortSpecException(string message) : SlipwayException(message)
{
    public const string ErrorCode = "port.invalid";

    public override string Code => ErrorCode;
}
