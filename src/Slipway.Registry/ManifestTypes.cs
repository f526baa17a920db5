using Slipway.Oci;

namespace Slipway.Registry;

/// <summary>A manifest as the registry served it: the exact bytes (digests are over them), its media type and
/// its digest, verified against the bytes.</summary>
public sealed record RegistryManifest(ReadOnlyMemory<byte> Content, string MediaType, Digest Digest);

/// <summary>What a HEAD tells about content without fetching it.</summary>
public sealed record RemoteDescriptor(string MediaType, Digest Digest, long Size);

/// <summary>How a blob came to be in the target repository.</summary>
public enum BlobPushOutcome
{
    AlreadyExists,
    Mounted,
    Uploaded,
}

internal static class ManifestMediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    public static readonly string[] Accept = [OciIndex, OciManifest, DockerManifestList, DockerManifest];
}
