using Slipway.Store.Layers;

namespace Slipway.Store.Snapshots;

/// <summary>Makes root filesystems out of layers, as containerd's snapshotters do, with the lifecycle in the types:
/// <see cref="PrepareAsync"/> gives an <see cref="IActiveSnapshot"/> (writable) that <see cref="IActiveSnapshot.CommitAsync"/>
/// turns into an immutable layer (a <see cref="LayerRef"/>, which later snapshots take as a parent);
/// <see cref="ViewAsync"/> gives a read-only <see cref="ISnapshotView"/>. Disposing a snapshot removes it (and
/// whatever it had not committed). Implementations: <see cref="OverlaySnapshotter"/> (overlayfs over unpacked
/// layers, needs root) and <see cref="CopyingSnapshotter"/> (plain file operations, no mounts).</summary>
public interface ISnapshotter
{
    /// <summary>A writable snapshot showing <paramref name="parents"/> (bottom-most first) merged, whose changes can
    /// be committed as a layer. It keeps its files in <paramref name="directory"/>, which must not exist yet and
    /// must be on the store's filesystem (under <see cref="StoreLayout.Tmp"/>, in the caller's workspace, so that
    /// a prune reclaims it with the workspace after a crash).</summary>
    Task<IActiveSnapshot> PrepareAsync(string directory, IReadOnlyList<LayerRef> parents, CancellationToken cancellationToken);

    /// <summary>A read-only snapshot showing <paramref name="parents"/> merged; it cannot be committed.
    /// <paramref name="directory"/> as for <see cref="PrepareAsync"/>.</summary>
    Task<ISnapshotView> ViewAsync(string directory, IReadOnlyList<LayerRef> parents, CancellationToken cancellationToken);
}

/// <summary>A snapshot in use. Disposing it removes it: its tree, its mounts and its directory.</summary>
public interface ISnapshotView : IDisposable
{
    /// <summary>The merged tree on the host: the root filesystem a step reads or a container runs in.</summary>
    string Path { get; }
}

/// <summary>A writable snapshot: what is written, changed or removed under <see cref="ISnapshotView.Path"/> becomes
/// a layer when committed.</summary>
public interface IActiveSnapshot : ISnapshotView
{
    /// <summary>Whether anything under the tree was added, changed or removed since it was prepared.</summary>
    bool HasChanges();

    /// <summary>Writes the changes as a layer blob into the store (hashed while written: the diffID and the blob's
    /// digest in one pass) and makes them an immutable snapshot named by that diffID. Once only: afterwards the
    /// snapshot is no longer active and <see cref="ISnapshotView.Path"/> shows nothing.</summary>
    Task<LayerRef> CommitAsync(LayerCommitOptions options, CancellationToken cancellationToken);
}

/// <summary>How a commit writes its layer.</summary>
public sealed record LayerCommitOptions
{
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>No entry carries a later mtime (SOURCE_DATE_EPOCH).</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>The lease the blob (and the snapshot's diffID) joins before either becomes visible, so a concurrent
    /// prune never finds them unprotected. Without one the blob is protected only while it is written.</summary>
    public Lease? Lease { get; init; }
}

/// <summary>A layer that cannot become a snapshot: damaged, or not the content its diffID claims. The message names
/// the layer.</summary>
public sealed class SnapshotException(string message, Exception? innerException = null) : IOException(message, innerException);
