using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Ops;

/// <summary>What the ops that make layers share: scratch space for a step, its stage's snapshots mounted under an
/// upper dir, and that upper dir committed as a layer blob (hashed while written) whose tree becomes the layer's
/// snapshot. What it makes joins <paramref name="lease"/> before it is visible, so a concurrent prune never finds it
/// unprotected.</summary>
public sealed class StepLayers(LocalStore store, Snapshots snapshots, LayerCompression compression, DateTimeOffset? sourceDateEpoch, Lease? lease)
{
    public Workspace CreateWorkspace() => snapshots.CreateWorkspace();

    /// <summary>Mounts <paramref name="layers"/> (top-most last) at the workspace's merged dir, writable into its upper dir or read-only.</summary>
    public Task<MountedRoot> MountAsync(IReadOnlyList<LayerRef> layers, Workspace workspace, bool writable, CancellationToken cancellationToken) =>
        snapshots.MountAsync(layers, workspace, writable, cancellationToken);

    /// <summary>The snapshots of <paramref name="layers"/> as overlayfs lowerdirs, top-most first.</summary>
    public Task<List<string>> LowerDirsAsync(IReadOnlyList<LayerRef> layers, CancellationToken cancellationToken) =>
        snapshots.LowerDirsAsync(layers, cancellationToken);

    /// <summary>Turns a step's upper dir into a layer blob and adopts it as that layer's snapshot.</summary>
    public async Task<LayerRef> CommitAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        LayerWriteResult written;
        using var ownLease = lease is null ? store.CreateLease() : null;
        await using (var writer = store.Blobs.OpenWriter(lease: lease ?? ownLease))
        {
            written = await LayerWriter.WriteAsync(workspace.Upper, writer, new LayerWriteOptions
            {
                Compression = compression,
                OverlayWhiteouts = true,
                SourceDateEpoch = sourceDateEpoch,
            }, cancellationToken).ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Leased before it appears under snapshots/, so a concurrent prune never takes it from under the build.
        lease?.Add(written.DiffId);
        snapshots.Adopt(workspace.Upper, written.DiffId);
        var mediaType = compression switch
        {
            LayerCompression.Zstd => MediaTypes.OciLayerZstd,
            LayerCompression.None => MediaTypes.OciLayer,
            _ => MediaTypes.OciLayerGzip,
        };
        return new LayerRef(new Descriptor { MediaType = mediaType, Digest = written.Digest, Size = written.Size }, written.DiffId);
    }
}
