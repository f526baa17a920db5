namespace Slipway.Runtime.Network;

/// <summary>One published port: <see cref="HostPort"/> on the host (on <see cref="HostIp"/>, or every address when
/// it is empty) forwarded to <see cref="ContainerPort"/> in the container's network namespace.
/// <see cref="Protocol"/> is <c>tcp</c> or <c>udp</c>.</summary>
public sealed record PortMapping(string HostIp, int HostPort, int ContainerPort, string Protocol);
