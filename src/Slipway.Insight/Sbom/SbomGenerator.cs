using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Insight.Sbom;

/// <summary>Makes the SPDX document of a stored image, and keeps one next to the image in the store (a ref
/// named after the image manifest) for builds that attach an SBOM without pushing.</summary>
public static class SbomGenerator
{
    public static async Task<SpdxDocument> GenerateAsync(LocalStore store, StoredImage image, ImageReference? name, string toolVersion,
        DateTimeOffset created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        var packages = await ImageScanner.Default().ScanAsync(store.Blobs, image.Manifest.Layers, cancellationToken).ConfigureAwait(false);
        return Spdx.Create(new SbomSubject(name, image.ManifestDescriptor.Digest, image.Config.Platform), packages, toolVersion, created);
    }

    /// <summary>Stores the document as a blob named by the image manifest digest.</summary>
    public static async Task StoreAsync(LocalStore store, Digest manifest, SpdxDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        // Leased until named, so a concurrent prune cannot leave the name pointing at nothing.
        using var lease = store.CreateLease();
        var descriptor = await store.Blobs.WriteAsync(Spdx.MediaType, Spdx.Serialize(document), lease, cancellationToken).ConfigureAwait(false);
        await store.Refs.SetAsync(RefName(manifest), descriptor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored document's bytes for an image manifest, or null when none was kept.</summary>
    public static async Task<byte[]?> LoadAsync(LocalStore store, Digest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Refs.Resolve(RefName(manifest)) is { } descriptor && store.Blobs.Exists(descriptor.Digest)
            ? await store.Blobs.ReadAllBytesAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>An attachment of the image: <see cref="ImageStore.RemoveAsync"/> removes it with the image.</summary>
    private static string RefName(Digest manifest) => ImageStore.AttachmentName("sbom", manifest);
}
