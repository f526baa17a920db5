namespace Slipway.Oci;

/// <summary>A manifest, index or config that is malformed or ambiguous. The message names what is wrong.</summary>
public sealed class OciFormatException : SlipwayException
{
    public const string ErrorCode = "oci.invalid";

    public OciFormatException()
    {
    }

    public OciFormatException(string message)
        : base(message)
    {
    }

    public OciFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override string Code => ErrorCode;
}
