namespace Slipway.Runtime.Spec;

/// <summary><c>RUN --network</c>. Default is the host's network, as <c>docker build --network=host</c> gives,
/// because a daemonless builder has no bridge to attach to.</summary>
public enum NetworkMode
{
    Default,
    None,
    Host,
}
