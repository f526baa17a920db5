using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Images;

/// <summary>One image out of an OCI layout directory (buildx's <c>oci-layout://DIR[:TAG][@DIGEST]</c>): chosen by
/// digest, else by its <c>org.opencontainers.image.ref.name</c>, else the layout's only manifest; an index is
/// narrowed to the platform. Its blobs are copied into the store, each verified against its digest (their paths come
/// from validated digests only), under the lease given, and the image is returned unnamed.</summary>
public static class LayoutImageLoader
{
    private const int MaxDocumentBytes = 4 << 20;

    public static async Task<StoredImage> LoadAsync(ImageStore images, string directory, string? tag, Digest? digest, Platform platform,
        Lease? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(directory);
        var where = "oci-layout://" + directory + (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest.Value.Value);
        var index = OciJson.ParseIndex(await ReadDocumentAsync(Path.Join(directory, "index.json"), cancellationToken).ConfigureAwait(false));
        var chosen = digest is { } wanted
            ? index.Manifests.FirstOrDefault(m => m.Digest == wanted) ?? Describe(directory, wanted)
            : index.Manifests.FirstOrDefault(m => m.Annotations?.GetValueOrDefault(LayoutWriter.RefNameAnnotation) == tag)
                ?? (index.Manifests.Count == 1 ? index.Manifests[0] : null)
                ?? throw new ImageException($"oci-layout reference \"{where}\" could not be resolved: no image tagged {tag}");
        var bytes = await ReadBlobAsync(directory, chosen.Digest, cancellationToken).ConfigureAwait(false);
        if (MediaTypes.IsIndex(OciJson.PeekMediaType(bytes) ?? chosen.MediaType))
        {
            var inner = OciJson.ParseIndex(bytes);
            chosen = new PlatformMatcher(platform).SelectBest(inner.Manifests)
                ?? throw new ImageException($"{where}: no image for platform {platform}");
            bytes = await ReadBlobAsync(directory, chosen.Digest, cancellationToken).ConfigureAwait(false);
        }

        var manifest = OciJson.ParseManifest(bytes);
        foreach (var blob in manifest.Layers.Prepend(manifest.Config))
        {
            await using var content = File.OpenRead(BlobPath(directory, blob.Digest));
            await images.Store.Blobs.WriteAsync(content, blob.Size, blob.Digest, lease, cancellationToken).ConfigureAwait(false);
        }

        var descriptor = await images.Store.Blobs.WriteAsync(OciJson.PeekMediaType(bytes) ?? chosen.MediaType, bytes, lease, cancellationToken)
            .ConfigureAwait(false);
        return await images.LoadAsync(descriptor with { Platform = chosen.Platform }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A digest the index does not list is still a blob of the layout (buildx accepts one).</summary>
    private static Descriptor Describe(string directory, Digest digest) =>
        File.Exists(BlobPath(directory, digest))
            ? new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = new FileInfo(BlobPath(directory, digest)).Length }
            : throw new ImageException($"oci-layout reference \"oci-layout://{directory}@{digest.Value}\" could not be resolved: not found");

    private static string BlobPath(string directory, Digest digest) => Path.Join(directory, LayoutWriter.BlobPath(digest));

    private static async Task<byte[]> ReadBlobAsync(string directory, Digest digest, CancellationToken cancellationToken)
    {
        var bytes = await ReadDocumentAsync(BlobPath(directory, digest), cancellationToken).ConfigureAwait(false);
        if (Digest.Compute(bytes) != digest)
        {
            throw new ImageException($"oci-layout {directory}: blob {digest.Value} does not match its digest");
        }

        return bytes;
    }

    private static async Task<byte[]> ReadDocumentAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Length > MaxDocumentBytes
                ? throw new ImageException($"{path} is larger than {MaxDocumentBytes} bytes")
                : await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageException($"oci-layout: {ErrorText.Describe(ex, path)}", ex);
        }
    }
}
