namespace Slipway.Oci;

/// <summary>A manifest, index or config that is malformed or ambiguous. The message names what is wrong.</summary>
public sealed class OciFormatException(string message, Exception? innerException = null) : SlipwayException(message, innerException)
{
    public const string ErrorCode = "oci.invalid";

    public override string Code => ErrorCode;
}
