using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace Slipway.Runtime.Spec;

/// <summary>One <c>--add-host</c>: a name and the address it resolves to in RUN's <c>/etc/hosts</c>.</summary>
public sealed record HostEntry(string Host, IPAddress Address)
{
    /// <summary>RUN's <c>/etc/hosts</c> as BuildKit's executor writes it: localhost and the sandbox's hostname, then
    /// one <c>address&lt;TAB&gt;name</c> line per extra host, in the order given.</summary>
    public static string HostsFile(string hostname, IEnumerable<HostEntry> extra)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var text = new StringBuilder();
        text.Append("127.0.0.1\tlocalhost ").Append(hostname).Append('\n');
        text.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var entry in extra)
        {
            text.Append(entry.Address).Append('\t').Append(entry.Host).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>buildx's <c>--add-host</c> values: <c>host=ip</c> or <c>host:ip</c> (<c>=</c> is looked for first, so
    /// an IPv6 address follows it unbracketed), the address optionally in square brackets; a value holding commas is
    /// several, as buildx's string-slice flag splits it. <c>host-gateway</c> names no address here: RUN's network
    /// reaches no host service through a gateway.</summary>
    public static bool TryParse(IEnumerable<string> values, [NotNullWhen(true)] out List<HostEntry>? entries, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        entries = [];
        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var separator = value.IndexOf('=', StringComparison.Ordinal);
            if (separator < 0)
            {
                separator = value.IndexOf(':', StringComparison.Ordinal);
            }

            var (host, ip) = separator < 0 ? ("", "") : (value[..separator], value[(separator + 1)..]);
            if (ip == "host-gateway")
            {
                error = $"unable to derive the IP value for host-gateway: {value}: RUN's network has no gateway to the host";
                entries = null;
                return false;
            }

            if (ip.Length > 2 && ip[0] == '[' && ip[^1] == ']')
            {
                ip = ip[1..^1];
            }

            if (host.Length == 0 || !IPAddress.TryParse(ip, out var address) || !IsIpText(ip))
            {
                error = $"invalid host {value}";
                entries = null;
                return false;
            }

            entries.Add(new HostEntry(host, address));
        }

        error = null;
        return true;
    }

    /// <summary>What Go's <c>net.ParseIP</c> takes and .NET's parser is laxer about: four dotted parts for IPv4
    /// (not <c>1</c> or <c>1.2.3</c>), no zone for IPv6.</summary>
    private static bool IsIpText(string ip) =>
        ip.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':') && (ip.Contains(':', StringComparison.Ordinal) || ip.Count(c => c == '.') == 3);
}
