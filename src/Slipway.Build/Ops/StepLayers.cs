using Slipway.Build.Engine;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Ops;

/// <summary>What the ops that make layers share: a workspace for a step under the store's <c>tmp/</c>, its stage's
/// layers prepared as a writable snapshot (or shown read-only) by the build's <see cref="ISnapshotter"/>, and that
/// snapshot committed as a layer. What a commit makes joins <paramref name="lease"/> before it is visible, so a
/// concurrent prune never finds it unprotected.</summary>
public sealed class StepLayers(StoreLayout layout, ISnapshotter snapshotter, LayerCompression compression, DateTimeOffset? sourceDateEpoch, Lease? lease)
{
    public Workspace CreateWorkspace() => new(layout);

    /// <summary><paramref name="layers"/> (bottom-most first) with a writable tree on top, in the step's workspace.</summary>
    public Task<IActiveSnapshot> PrepareAsync(IReadOnlyList<LayerRef> layers, Workspace workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return snapshotter.PrepareAsync(workspace.NewPath("rootfs"), layers, cancellationToken);
    }

    /// <summary><paramref name="layers"/> shown read-only in <paramref name="workspace"/>, under a directory named
    /// after <paramref name="name"/>.</summary>
    public Task<ISnapshotView> ViewAsync(IReadOnlyList<LayerRef> layers, Workspace workspace, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return snapshotter.ViewAsync(workspace.NewPath(name), layers, cancellationToken);
    }

    /// <summary>Turns a step's changes into a layer (leased by the build before it becomes visible).</summary>
    public Task<LayerRef> CommitAsync(IActiveSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.CommitAsync(new LayerCommitOptions { Compression = compression, SourceDateEpoch = sourceDateEpoch, Lease = lease }, cancellationToken);
    }
}
