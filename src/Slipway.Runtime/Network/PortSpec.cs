namespace Slipway.Runtime.Network;

/// <summary>docker's <c>-p</c> and <c>-P</c>: <c>[ip:][hostPort:]containerPort[/proto]</c> into
/// <see cref="PortMapping"/>s, with docker's error texts.</summary>
public static class PortSpec
{
    /// <summary>One <c>-p</c> value; a host port left out (or 0) becomes a free port of the host.</summary>
    public static IReadOnlyList<PortMapping> Parse(string value) =>
        throw new NotSupportedException("PortSpec.Parse is not written yet");

    /// <summary><c>-P</c>: every exposed port (<c>80/tcp</c>, as in an image's ExposedPorts) to a free host port.</summary>
    public static IReadOnlyList<PortMapping> PublishAll(IEnumerable<string> exposedPorts) =>
        throw new NotSupportedException("PortSpec.PublishAll is not written yet");
}
