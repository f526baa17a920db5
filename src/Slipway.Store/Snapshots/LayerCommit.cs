using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Store.Snapshots;

/// <summary>Writes a directory of changes as a layer blob into the store, hashed while written.</summary>
internal static class LayerCommit
{
    /// <summary>With <c>overlayWhiteouts</c> the directory is an overlayfs upper dir (whiteouts as 0/0 devices,
    /// opaque directories by xattr); otherwise whiteouts are already <c>.wh.</c> files.</summary>
    public static async Task<LayerRef> WriteAsync(LocalStore store, string changes, bool overlayWhiteouts, LayerCommitOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        LayerWriteResult written;
        // The blob joins a lease before it becomes visible: a concurrent prune never finds it unprotected.
        using var ownLease = options.Lease is null ? store.CreateLease() : null;
        await using (var writer = store.Blobs.OpenWriter(lease: options.Lease ?? ownLease))
        {
            written = await LayerWriter.WriteAsync(changes, writer, new LayerWriteOptions
            {
                Compression = options.Compression,
                OverlayWhiteouts = overlayWhiteouts,
                SourceDateEpoch = options.SourceDateEpoch,
            }, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        store.LayerSizes.Record(written.DiffId, written.UnpackedSize);
        var mediaType = options.Compression switch
        {
            LayerCompression.Zstd => MediaTypes.OciLayerZstd,
            LayerCompression.None => MediaTypes.OciLayer,
            _ => MediaTypes.OciLayerGzip,
        };
        return new LayerRef(new Descriptor { MediaType = mediaType, Digest = written.Digest, Size = written.Size }, written.DiffId);
    }
}
