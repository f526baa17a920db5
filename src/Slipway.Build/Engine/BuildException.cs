using Slipway.Oci;

namespace Slipway.Build.Engine;

/// <summary>A build step failed for a reason the user can act on; the message says which step and why.</summary>
public sealed class BuildException(string message, Exception? inner = null) : SlipwayException(message, inner)
{
    public const string ErrorCode = "build.failed";

    public override string Code => ErrorCode;
}
