using Slipway.Oci;

namespace Slipway.Store.Layers;

/// <summary>How whiteouts in a layer are applied.</summary>
public enum WhiteoutMode
{
    /// <summary>The root already holds the lower layers: a whiteout removes the path, an opaque marker
    /// empties the directory of everything this layer did not bring.</summary>
    ApplyToLowerLayers,

    /// <summary>The root becomes an overlayfs lower directory of its own: a whiteout is written as a 0/0
    /// character device and an opaque directory gets <c>trusted.overlay.opaque=y</c>. Needs root.</summary>
    OverlaySnapshot,

    /// <summary>The archive is not a layer (ADD's auto-extraction of a local tar): <c>.wh.</c> names are ordinary
    /// files, as Docker's archive.Untar and BuildKit's ADD keep them; nothing is removed.</summary>
    Literal,
}

public sealed record ExtractOptions
{
    public WhiteoutMode Whiteouts { get; init; } = WhiteoutMode.ApplyToLowerLayers;

    /// <summary>Apply the numeric uid/gid from the layer. Null means "when running as root".</summary>
    public bool? PreserveOwnership { get; init; }

    /// <summary>May device nodes be made and trusted.* xattrs set? Null means "when running as root"; say
    /// false inside a user namespace, where uid 0 still cannot mknod. Skipped devices become warnings.</summary>
    public bool? Privileged { get; init; }

    /// <summary>Make device nodes at all? False skips them with a warning even as root: a filesystem exported onto
    /// the host (<c>--output type=local</c>) must not put an image's /dev/sda or /dev/mem there.</summary>
    public bool DeviceNodes { get; init; } = true;
}

/// <summary>What an extraction did. Warnings name the entry they are about. <see cref="DiffId"/> is the sha256 of the
/// whole uncompressed stream, computed while it was read: what the layer's diffID must be.</summary>
public sealed record ExtractResult(
    LayerCompression Compression,
    Oci.Digest DiffId,
    int Entries,
    int Files,
    int Directories,
    int Symlinks,
    int Hardlinks,
    int SpecialFiles,
    int Whiteouts,
    int Skipped,
    long UncompressedBytes,
    long CompressedBytes,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The layer's unpacked size (<see cref="UnpackedSize"/>): what docker shows as its SIZE.</summary>
    public long UnpackedBytes { get; init; }
}

/// <summary>A layer that cannot be applied safely or at all; the message names the entry.</summary>
public sealed class LayerExtractionException : SlipwayException
{
    public const string ErrorCode = "layer.invalid";

    public LayerExtractionException(string message)
        : base(message)
    {
    }

    public LayerExtractionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LayerExtractionException()
    {
    }

    public override string Code => ErrorCode;
}
