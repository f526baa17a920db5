using Slipway.Oci;

namespace Slipway.Build.Engine;

/// <summary>A Dockerfile that cannot be built as written: the message holds every diagnostic with its line and caret.</summary>
public sealed class DockerfileException(string message) : SlipwayException(message)
{
    public const string ErrorCode = "dockerfile.invalid";

    public override string Code => ErrorCode;
}
