namespace Slipway.Runtime.Spec;

/// <summary><c>RUN --network</c>. Default is a network namespace of its own: the one at
/// <see cref="StepProcess.NetworkNamespace"/> (connected outward by pasta), or an empty one when none is given.
/// Host shares the host's network and is only used when entitled.</summary>
public enum NetworkMode
{
    Default,
    None,
    Host,
}
