using Slipway.Dockerfile.Instructions;

namespace Slipway.Dockerfile.Tests.Instructions;

/// <summary>EXPOSE's words read as BuildKit's convert_expose.go reads them: results and errors word for word.</summary>
public sealed class ExposedPortsTests
{
    [Theory]
    [InlineData("80", "80/tcp")]
    [InlineData("443/udp", "443/udp")]
    [InlineData("53/SCTP", "53/sctp")]
    [InlineData("8000-8002/TCP", "8000/tcp 8001/tcp 8002/tcp")]
    [InlineData("80-80", "80/tcp")]
    [InlineData("+80", "80/tcp")]
    [InlineData("8080:80", "80/tcp")]
    [InlineData("127.0.0.1:8080:80/udp", "80/udp")]
    [InlineData("[::1]:8080:80", "80/tcp")]
    [InlineData("::1:8080:80", "80/tcp")]
    [InlineData("9000-9002:80", "80/tcp")]
    [InlineData("9000-9001:80-81", "80/tcp 81/tcp")]
    [InlineData("0", "0/tcp")]
    [InlineData("65535", "65535/tcp")]
    public void A_port_spec_exposes_its_container_ports(string spec, string expected) =>
        Assert.Equal(expected.Split(' '), ExposedPorts.Parse([spec], out _));

    [Theory]
    [InlineData("abc", "invalid containerPort: abc")]
    [InlineData("70000", "invalid containerPort: 70000")]
    [InlineData("90-88", "invalid containerPort: 90-88")]
    [InlineData("-1", "invalid containerPort: -1")]
    [InlineData("80-", "invalid containerPort: 80-")]
    [InlineData("", "invalid port: \"\": no port specified")]
    [InlineData("/tcp", "invalid port: \"/tcp\": no port specified")]
    [InlineData("80/xyz", "invalid port: \"80/xyz\": invalid proto: xyz")]
    [InlineData("abc:80", "invalid hostPort: abc")]
    [InlineData("1.2.3:80:80", "invalid IP address: 1.2.3")]
    [InlineData("010.0.0.1:80:80", "invalid IP address: 010.0.0.1")]
    [InlineData("[::1:80:80", "invalid IP address [::1: address [::1:: missing ']' in address")]
    [InlineData("9000-9001:80-82", "invalid ranges specified for container and host Ports: 80-82 and 9000-9001")]
    public void A_bad_port_spec_is_buildkits_error(string spec, string error)
    {
        Assert.Null(ExposedPorts.Parse(["80", spec], out var message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void No_words_expose_nothing() => Assert.Empty(ExposedPorts.Parse([], out _)!);
}
