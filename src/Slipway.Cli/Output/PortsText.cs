using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Slipway.Runtime.Network;

namespace Slipway.Cli.Output;

/// <summary>One port as docker's container list gives it (<c>container.PortSummary</c>): exposed only (no address,
/// no public port) or published on one address.</summary>
internal sealed record PortSummary(IPAddress? Ip, int PrivatePort, int PublicPort, string Type);

/// <summary>The PORTS column of <c>ps</c>, as docker/cli's <c>DisplayablePorts</c> writes it.</summary>
internal static class PortsText
{
    /// <summary>A running container's ports as dockerd lists them: each published port on its address — an empty
    /// address is every address, shown as <c>0.0.0.0</c> and <c>[::]</c> as dockerd shows a dual-stack binding —
    /// and each exposed port that is not published, bare.</summary>
    public static IReadOnlyList<PortSummary> Summaries(IReadOnlyList<PortMapping> published, IEnumerable<string>? exposed)
    {
        var result = new List<PortSummary>();
        foreach (var port in published)
        {
            var host = port.HostIp.Trim('[', ']');
            IPAddress[] addresses = host.Length == 0 ? [IPAddress.Any, IPAddress.IPv6Any]
                : IPAddress.TryParse(host, out var ip) ? [ip] : [];
            result.AddRange(addresses.Select(a => new PortSummary(a, port.ContainerPort, port.HostPort, port.Protocol)));
        }

        foreach (var spec in exposed ?? [])
        {
            var (number, protocol) = spec.Split('/') is [var n, var p] ? (n, p) : (spec, "tcp");
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var private_) ||
                published.Any(m => m.ContainerPort == private_ && m.Protocol == protocol))
            {
                continue;
            }

            result.Add(new PortSummary(null, private_, 0, protocol));
        }

        return result;
    }

    /// <summary><c>0.0.0.0:8080->80/tcp, [::]:8080->80/tcp</c>; exposed ports bare (<c>80/tcp</c>); consecutive ports
    /// published on the same port number grouped (<c>1.2.3.4:9998-9999->9998-9999/udp</c>), as docker groups them.</summary>
    public static string Format(IEnumerable<PortSummary> ports)
    {
        var sorted = ports.ToList();
        sorted.Sort(Compare);
        var groups = new Dictionary<string, (int First, int Last)>(StringComparer.Ordinal);
        var keys = new List<string>();
        var result = new List<string>();
        var hostMappings = new List<string>();
        foreach (var port in sorted)
        {
            var current = port.PrivatePort;
            var key = port.Type;
            if (port.Ip is { } ip)
            {
                if (port.PublicPort != current)
                {
                    hostMappings.Add($"{JoinHostPort(ip, port.PublicPort.ToString(CultureInfo.InvariantCulture))}->{port.PrivatePort}/{port.Type}");
                    continue;
                }

                key = ip + "/" + port.Type;
            }

            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = (current, current);
                keys.Add(key);
                continue;
            }

            if (current == group.Last + 1)
            {
                groups[key] = (group.First, current);
                continue;
            }

            result.Add(FormGroup(key, group.First, group.Last));
            groups[key] = (current, current);
        }

        result.AddRange(keys.Select(k => FormGroup(k, groups[k].First, groups[k].Last)));
        result.AddRange(hostMappings);
        return string.Join(", ", result);
    }

    private static string FormGroup(string key, int first, int last)
    {
        var slash = key.LastIndexOf('/');
        var type = slash < 0 ? key : key[(slash + 1)..];
        var ip = slash < 0 ? null : key[..slash];
        var group = first == last ? first.ToString(CultureInfo.InvariantCulture) : $"{first}-{last}";
        if (ip is not null)
        {
            group = $"{JoinHostPort(IPAddress.Parse(ip), group)}->{group}";
        }

        return group + "/" + type;
    }

    /// <summary>Go's <c>net.JoinHostPort</c>: an IPv6 address in brackets.</summary>
    private static string JoinHostPort(IPAddress ip, string port) =>
        ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]:{port}" : $"{ip}:{port}";

    /// <summary>docker's <c>comparePorts</c>: private port, then address (none first, IPv4 before IPv6, by value),
    /// then public port, then type.</summary>
    private static int Compare(PortSummary a, PortSummary b)
    {
        if (a.PrivatePort != b.PrivatePort)
        {
            return a.PrivatePort.CompareTo(b.PrivatePort);
        }

        var byIp = CompareIp(a.Ip, b.Ip);
        if (byIp != 0)
        {
            return byIp;
        }

        return a.PublicPort != b.PublicPort ? a.PublicPort.CompareTo(b.PublicPort) : string.CompareOrdinal(a.Type, b.Type);
    }

    private static int CompareIp(IPAddress? a, IPAddress? b)
    {
        if (a is null || b is null)
        {
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        }

        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.AsSpan().SequenceCompareTo(y);
    }
}
