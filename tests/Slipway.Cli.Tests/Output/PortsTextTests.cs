using System.Net;
using Slipway.Cli.Output;
using Slipway.Runtime.Network;

namespace Slipway.Cli.Tests.Output;

/// <summary>docker/cli's DisplayablePorts vectors, and the summaries a container's ports give.</summary>
public sealed class PortsTextTests
{
    /// <summary><c>IP|PRIVATE|PUBLIC|TYPE</c>, the IP empty for an exposed port.</summary>
    private static PortSummary Parse(string port) => port.Split('|') is [var ip, var privatePort, var publicPort, var type]
        ? new(ip.Length == 0 ? null : IPAddress.Parse(ip), int.Parse(privatePort, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(publicPort, System.Globalization.CultureInfo.InvariantCulture), type)
        : throw new FormatException(port);

    public static TheoryData<string[], string> Vectors => new()
    {
        { ["|9988|0|tcp"], "9988/tcp" },
        { ["0.0.0.0|9988|0|tcp"], "0.0.0.0:0->9988/tcp" },
        { ["::|9988|0|tcp"], "[::]:0->9988/tcp" },
        { ["|9988|8899|tcp"], "9988/tcp" },
        { ["4.3.2.1|9988|8899|tcp"], "4.3.2.1:8899->9988/tcp" },
        { ["::1|9988|8899|tcp"], "[::1]:8899->9988/tcp" },
        { ["4.3.2.1|9988|9988|tcp"], "4.3.2.1:9988->9988/tcp" },
        { ["|9988|0|udp", "|9988|0|udp"], "9988/udp, 9988/udp" },
        { ["1.2.3.4|9998|9998|udp", "1.2.3.4|9999|9999|udp"], "1.2.3.4:9998-9999->9998-9999/udp" },
        { ["::1|9998|9998|udp", "::1|9999|9999|udp"], "[::1]:9998-9999->9998-9999/udp" },
        { ["1.2.3.4|9998|8887|udp", "1.2.3.4|9999|8888|udp"], "1.2.3.4:8887->9998/udp, 1.2.3.4:8888->9999/udp" },
        { ["|9998|0|udp", "|9999|0|udp"], "9998-9999/udp" },
        { ["1.2.3.4|6677|7766|tcp", "|9988|8899|udp"], "9988/udp, 1.2.3.4:7766->6677/tcp" },
        {
            ["1.2.3.4|9988|8899|udp", "1.2.3.4|9988|8899|tcp", "4.3.2.1|2233|3322|tcp", "::1|2233|3322|tcp"],
            "4.3.2.1:3322->2233/tcp, [::1]:3322->2233/tcp, 1.2.3.4:8899->9988/tcp, 1.2.3.4:8899->9988/udp"
        },
        {
            [
                "|80|0|tcp", "|1024|0|tcp", "|80|0|udp", "|1024|0|udp",
                "1.1.1.1|1024|80|tcp", "1.1.1.1|1024|80|udp", "1.1.1.1|80|1024|tcp", "1.1.1.1|80|1024|udp",
                "2.1.1.1|1024|80|tcp", "2.1.1.1|1024|80|udp", "2.1.1.1|80|1024|tcp", "2.1.1.1|80|1024|udp",
                "|12345|0|sctp",
            ],
            "80/tcp, 80/udp, 1024/tcp, 1024/udp, 12345/sctp, 1.1.1.1:1024->80/tcp, 1.1.1.1:1024->80/udp, 2.1.1.1:1024->80/tcp, 2.1.1.1:1024->80/udp, 1.1.1.1:80->1024/tcp, 1.1.1.1:80->1024/udp, 2.1.1.1:80->1024/tcp, 2.1.1.1:80->1024/udp"
        },
        { ["10.0.0.2|80|8080|tcp", "9.0.0.1|80|8081|tcp"], "9.0.0.1:8081->80/tcp, 10.0.0.2:8080->80/tcp" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Ports_are_written_as_docker_cli_writes_them(string[] ports, string expected)
    {
        Assert.Equal(expected, PortsText.Format(ports.Select(Parse)));
    }

    [Fact]
    public void A_port_published_on_every_address_shows_the_IPv4_and_IPv6_bindings()
    {
        var ports = PortsText.Summaries([new PortMapping("", 8080, 80, "tcp")], ["80/tcp"]);

        Assert.Equal("0.0.0.0:8080->80/tcp, [::]:8080->80/tcp", PortsText.Format(ports));
    }

    [Fact]
    public void Exposed_ports_not_published_show_bare_and_grouped()
    {
        var ports = PortsText.Summaries([new PortMapping("127.0.0.1", 9000, 9000, "tcp")], ["80/tcp", "81/tcp", "9000/tcp", "53/udp"]);

        Assert.Equal("53/udp, 80-81/tcp, 127.0.0.1:9000->9000/tcp", PortsText.Format(ports));
    }

    [Fact]
    public void Consecutive_ports_published_on_the_same_numbers_group_into_a_range()
    {
        var ports = PortsText.Summaries([new PortMapping("0.0.0.0", 8000, 8000, "tcp"), new PortMapping("0.0.0.0", 8001, 8001, "tcp")], null);

        Assert.Equal("0.0.0.0:8000-8001->8000-8001/tcp", PortsText.Format(ports));
    }
}
