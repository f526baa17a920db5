using Slipway.Oci;

namespace Slipway.Store.Images;

/// <summary>A user mistake or a missing image: the message is for the user, as Docker would word it.</summary>
public sealed class ImageException(string message, Exception? inner = null) : SlipwayException(message, inner)
{
    public const string ErrorCode = "image.failed";

    public override string Code => ErrorCode;
}
