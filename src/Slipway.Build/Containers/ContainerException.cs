using Slipway.Oci;

namespace Slipway.Build.Containers;

/// <summary>A container command that cannot be done: no such container, a name in use, a running container that
/// must be stopped first. The message is docker's words.</summary>
public sealed class ContainerException(string message, Exception? inner = null) : SlipwayException(message, inner)
{
    public const string ErrorCode = "container.failed";

    public override string Code => ErrorCode;
}
