using Slipway.Runtime.Network;

namespace Slipway.Runtime.Tests.Network;

/// <summary>docker's <c>-p</c> forms and errors, as go-connections' <c>nat.ParsePortSpec</c> and docker/cli's long
/// form give them.</summary>
public sealed class PortSpecTests
{
    [Theory]
    [InlineData("8080:80", "", 8080, 80, "tcp")]
    [InlineData("8080:80/udp", "", 8080, 80, "udp")]
    [InlineData("8080:80/TCP", "", 8080, 80, "tcp")]
    [InlineData("8080:80/", "", 8080, 80, "tcp")]
    [InlineData("127.0.0.1:8080:80", "127.0.0.1", 8080, 80, "tcp")]
    [InlineData("127.0.0.1:8080:80/udp", "127.0.0.1", 8080, 80, "udp")]
    [InlineData("[::1]:8080:80", "::1", 8080, 80, "tcp")]
    [InlineData("::1:8080:80", "::1", 8080, 80, "tcp")]
    [InlineData("[2001:db8::1]:8080:80", "2001:db8::1", 8080, 80, "tcp")]
    [InlineData("published=8080,target=80", "", 8080, 80, "tcp")]
    [InlineData("target=53,published=5353,protocol=udp", "", 5353, 53, "udp")]
    [InlineData("8080-8080:80", "", 8080, 80, "tcp")]
    public void A_host_port_and_a_container_port_map_one_to_one(string value, string hostIp, int hostPort, int containerPort, string protocol)
    {
        Assert.Equal([new PortMapping(hostIp, hostPort, containerPort, protocol)], PortSpec.Parse(value));
    }

    [Fact]
    public void Ranges_map_port_by_port()
    {
        Assert.Equal(
            [new PortMapping("", 8000, 80, "tcp"), new PortMapping("", 8001, 81, "tcp")],
            PortSpec.Parse("8000-8001:80-81"));
        Assert.Equal(
            [new PortMapping("10.1.2.3", 9000, 90, "udp"), new PortMapping("10.1.2.3", 9001, 91, "udp"), new PortMapping("10.1.2.3", 9002, 92, "udp")],
            PortSpec.Parse("10.1.2.3:9000-9002:90-92/udp"));
    }

    [Theory]
    [InlineData("80", "")]
    [InlineData(":80", "")]
    [InlineData("0:80", "")]
    [InlineData("127.0.0.1::80", "127.0.0.1")]
    [InlineData("published=,target=80", "")]
    public void A_host_port_left_out_or_0_is_a_free_port_of_the_host(string value, string hostIp)
    {
        var mapping = Assert.Single(PortSpec.Parse(value));

        Assert.Equal(hostIp, mapping.HostIp);
        Assert.Equal(80, mapping.ContainerPort);
        Assert.InRange(mapping.HostPort, 1, 65535);
    }

    [Fact]
    public void A_container_range_alone_gets_a_free_host_port_each()
    {
        var mappings = PortSpec.Parse("80-82/udp");

        Assert.Equal([80, 81, 82], mappings.Select(m => m.ContainerPort));
        Assert.All(mappings, m => Assert.Equal("udp", m.Protocol));
        Assert.All(mappings, m => Assert.InRange(m.HostPort, 1, 65535));
    }

    [Fact]
    public void A_host_range_for_one_container_port_is_where_its_free_port_is_chosen()
    {
        var mapping = Assert.Single(PortSpec.Parse("127.0.0.1:41000-41100:80"));

        Assert.InRange(mapping.HostPort, 41000, 41100);
    }

    [Theory]
    [InlineData("", "no port specified: <empty>")]
    [InlineData("8080:", "no port specified: 8080:<empty>")]
    [InlineData("/tcp", "no port specified: /tcp<empty>")]
    [InlineData("80/xyz", "invalid proto: xyz")]
    [InlineData("abc", "invalid containerPort: abc")]
    [InlineData("8080:abc", "invalid containerPort: abc")]
    [InlineData("70000", "invalid containerPort: 70000")]
    [InlineData("81-80", "invalid containerPort: 81-80")]
    [InlineData("-80", "invalid containerPort: -80")]
    [InlineData("x:80", "invalid hostPort: x")]
    [InlineData("70000:80", "invalid hostPort: 70000")]
    [InlineData("8001-8000:80", "invalid hostPort: 8001-8000")]
    [InlineData("300.0.0.1:80:80", "invalid IP address: 300.0.0.1")]
    [InlineData("localhost:80:80", "invalid IP address: localhost")]
    [InlineData("1.2.3:80:80", "invalid IP address: 1.2.3")]
    [InlineData("[::1:80:80", "invalid IP address [::1: address [::1:: missing ']' in address")]
    [InlineData("[::1]x:80:80", "invalid IP address [::1]x: address [::1]x:: missing port in address")]
    [InlineData("[nope]:80:80", "invalid IP address: nope")]
    [InlineData("8000:80-81", "invalid ranges specified for container and host Ports: 80-81 and 8000")]
    [InlineData("8000-8002:80-81", "invalid ranges specified for container and host Ports: 80-81 and 8000-8002")]
    [InlineData("published=8080,nonsense", "invalid publish opts format (should be name=value but got 'nonsense')")]
    [InlineData("published=8080,=80", "invalid publish opts format (should be name=value but got '=80')")]
    public void A_value_docker_refuses_is_refused_with_dockers_words(string value, string message)
    {
        var error = Assert.Throws<PortSpecException>(() => PortSpec.Parse(value));

        Assert.Equal(message, error.Message);
        Assert.Equal("port.invalid", error.Code);
    }

    [Fact]
    public void Sctp_parses_as_docker_parses_it_but_cannot_be_forwarded()
    {
        var error = Assert.Throws<PortSpecException>(() => PortSpec.Parse("8080:80/sctp"));

        Assert.Equal("cannot publish 8080:80/sctp: sctp is not forwarded (pasta forwards tcp and udp)", error.Message);
    }

    [Fact]
    public void Publish_all_gives_each_exposed_port_a_free_host_port_on_every_address()
    {
        var mappings = PortSpec.PublishAll(["8080/tcp", "53/udp", "443"]);

        Assert.Equal([("53", "udp"), ("443", "tcp"), ("8080", "tcp")], mappings.Select(m => (m.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Protocol)));
        Assert.All(mappings, m => Assert.Equal("", m.HostIp));
        Assert.All(mappings, m => Assert.InRange(m.HostPort, 1, 65535));
        Assert.Empty(PortSpec.PublishAll([]));
    }
}
