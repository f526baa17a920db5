using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Build.Pipeline;

/// <summary>Stand-in for the store's index API until it lands: an OCI index of the images, each descriptor with
/// its platform, written into the blob store.</summary>
internal static class IndexShim
{
    public static async Task<StoredIndex> WriteIndexAsync(this ImageStore images, IReadOnlyList<StoredImage> list,
        IReadOnlyDictionary<string, string>? annotations, Lease? lease, CancellationToken cancellationToken)
    {
        var index = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = [.. list.Select(i => i.ManifestDescriptor with { Platform = i.Config.Platform })],
            Annotations = annotations,
        };
        var descriptor = await images.Store.Blobs.WriteAsync(MediaTypes.OciIndex, OciJson.Serialize(index), lease, cancellationToken).ConfigureAwait(false);
        return new StoredIndex(descriptor, index, list);
    }

    public static async Task<StoredImage> LoadAsync(this ImageStore images, Descriptor d, Platform? platform, CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsIndex(d.MediaType))
        {
            return await images.LoadAsync(d, cancellationToken).ConfigureAwait(false);
        }

        var index = OciJson.ParseIndex(await images.Store.Blobs.ReadAllBytesAsync(d.Digest, cancellationToken).ConfigureAwait(false));
        var chosen = new PlatformMatcher(platform ?? Platform.Host).SelectBest(index.Manifests)
            ?? throw new ImageException($"no match for platform {platform ?? Platform.Host} in the index (it has {string.Join(", ", index.Manifests.Select(m => m.Platform?.ToString()))})");
        return await images.LoadAsync(chosen, cancellationToken).ConfigureAwait(false);
    }
}
