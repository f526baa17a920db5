using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Slipway.Dockerfile.Syntax;

namespace Slipway.Dockerfile.Instructions;

/// <summary>What EXPOSE's words (after expansion and word splitting) put in the config, as BuildKit's
/// dockerfile2llb/convert_expose.go reads them: <c>[ip:][hostPort:]containerPort[/proto]</c>, a port or a range of
/// 0–65535, proto tcp, udp or sctp in any case. Only the container port is kept, one <c>port/proto</c> per port of a
/// range; an IP or host port is checked and dropped (the lint ExposeInvalidFormat warns about it).</summary>
public static partial class ExposedPorts
{
    /// <summary>The <c>port/proto</c> entries of <paramref name="words"/>, in order, or null with BuildKit's error.</summary>
    public static IReadOnlyList<string>? Parse(IEnumerable<string> words, out string? error)
    {
        ArgumentNullException.ThrowIfNull(words);
        var ports = new List<string>();
        foreach (var word in words)
        {
            if (ParseOne(word, ports) is { } wrong)
            {
                error = wrong;
                return null;
            }
        }

        error = null;
        return ports;
    }

    private static string? ParseOne(string raw, List<string> ports)
    {
        var (ip, hostPort, containerPort) = SplitParts(raw);
        var slash = containerPort.IndexOf('/', StringComparison.Ordinal);
        var (port, proto) = slash < 0 ? (containerPort, "") : (containerPort[..slash], containerPort[(slash + 1)..]);
        if (port.Length == 0)
        {
            return $"invalid port: {GoQuote.Quote(raw)}: no port specified";
        }

        if (proto.ToLowerInvariant() is not ("" or "tcp" or "udp" or "sctp"))
        {
            return $"invalid port: {GoQuote.Quote(raw)}: invalid proto: {proto}";
        }

        proto = proto.Length == 0 ? "tcp" : proto.ToLowerInvariant();
        if (ip.Length > 0 && ip[0] == '[')
        {
            // BuildKit strips the brackets of an IPv6 address with net.SplitHostPort(ip + ":").
            var close = ip.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return $"invalid IP address {ip}: address {ip}:: missing ']' in address";
            }

            if (close == ip.Length - 1)
            {
                ip = ip[1..close];
            }
        }

        if (ip.Length > 0 && !IsGoIp(ip))
        {
            return "invalid IP address: " + ip;
        }

        if (!TryRange(port, out var start, out var end))
        {
            return "invalid containerPort: " + port;
        }

        if (hostPort.Length > 0)
        {
            if (!TryRange(hostPort, out var hostStart, out var hostEnd))
            {
                return "invalid hostPort: " + hostPort;
            }

            // A host range with a single container port is allowed (a range to allocate into).
            if (end - start != hostEnd - hostStart && end != start)
            {
                return $"invalid ranges specified for container and host Ports: {port} and {hostPort}";
            }
        }

        for (var p = start; p <= end; p++)
        {
            ports.Add(p.ToString(CultureInfo.InvariantCulture) + "/" + proto);
        }

        return null;
    }

    /// <summary>ip:hostPort:containerPort; more colons belong to the IP (an IPv6 address).</summary>
    private static (string Ip, string HostPort, string ContainerPort) SplitParts(string raw)
    {
        var parts = raw.Split(':');
        return parts.Length switch
        {
            1 => ("", "", parts[0]),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            var n => (string.Join(':', parts[..(n - 2)]), parts[n - 2], parts[n - 1]),
        };
    }

    /// <summary>"8000" or "8000-9000" (end not below start); "80-80" is one port.</summary>
    private static bool TryRange(string ports, out int start, out int end)
    {
        end = start = 0;
        if (ports.Length == 0)
        {
            return false;
        }

        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        var (first, last) = dash < 0 ? (ports, (string?)null) : (ports[..dash], ports[(dash + 1)..]);
        if (!TryPort(first, out start))
        {
            return false;
        }

        if (last is null || last == first)
        {
            end = start;
            return true;
        }

        return TryPort(last, out end) && end >= start;
    }

    /// <summary>Go's strconv.ParseInt(s, 10, 0) within 0–65535: an optional sign, then decimal digits.</summary>
    private static bool TryPort(string s, out int port) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;

    /// <summary>Go's net.ParseIP: four decimal octets without leading zeros, or an IPv6 address without a zone.</summary>
    private static bool IsGoIp(string ip)
    {
        if (ip.Contains(':', StringComparison.Ordinal))
        {
            return !ip.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(ip, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return Ipv4().IsMatch(ip);
    }

    [GeneratedRegex(@"\A(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();
}
