using Slipway.Store.Layers;

namespace Slipway.Store.Snapshots;

/// <summary>Snapshots made of plain files, without mounts: the parents' layers are applied onto a directory by the
/// store's own layer extractor (whiteouts and opaque directories as any layer applies them), once as the tree and
/// once as a pristine copy to compare against; a commit writes what differs (<see cref="TreeDiff"/>). Slower and
/// bigger than overlayfs, but it needs no privilege: the unit-test stand-in for <see cref="OverlaySnapshotter"/>
/// and the start of an unprivileged one. A view is a private copy: writes to it are possible (nothing can forbid
/// them to root without a mount) but reach no other snapshot and no layer.</summary>
public sealed class CopyingSnapshotter(LocalStore store) : ISnapshotter
{
    /// <summary>Fetches a layer blob the store lacks (one imported with <c>--cache-from</c>) before it is applied.</summary>
    public IBlobFetcher? Fetcher { get; init; }

    public async Task<IActiveSnapshot> PrepareAsync(string directory, IReadOnlyList<LayerRef> parents, CancellationToken cancellationToken) =>
        await CreateAsync(directory, parents, writable: true, cancellationToken).ConfigureAwait(false);

    public async Task<ISnapshotView> ViewAsync(string directory, IReadOnlyList<LayerRef> parents, CancellationToken cancellationToken) =>
        await CreateAsync(directory, parents, writable: false, cancellationToken).ConfigureAwait(false);

    private async Task<CopiedSnapshot> CreateAsync(string directory, IReadOnlyList<LayerRef> parents, bool writable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parents);
        if (Directory.Exists(directory))
        {
            throw new InvalidOperationException($"a snapshot's directory must be new: {directory} exists");
        }

        var snapshot = new CopiedSnapshot(store, directory, writable);
        try
        {
            foreach (var tree in writable ? [snapshot.Path, snapshot.Base] : (string[])[snapshot.Path])
            {
                Directory.CreateDirectory(tree);
                foreach (var layer in parents)
                {
                    await LayerSnapshots.ExtractVerifiedAsync(store, Fetcher, layer, tree, new ExtractOptions { Whiteouts = WhiteoutMode.ApplyToLowerLayers },
                        cancellationToken).ConfigureAwait(false);
                }
            }

            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }
}

/// <summary>A copied snapshot in its directory: <c>tree/</c> (what the caller sees), <c>base/</c> (the parents as
/// they were, when writable) and, while committing, <c>changes/</c>.</summary>
internal sealed class CopiedSnapshot(LocalStore store, string directory, bool writable) : IActiveSnapshot
{
    private bool _committed;

    public string Path => System.IO.Path.Join(directory, "tree");

    internal string Base => System.IO.Path.Join(directory, "base");

    private string Changes => System.IO.Path.Join(directory, "changes");

    public bool HasChanges() => writable && !_committed && TreeDiff.HasChanges(Base, Path);

    public async Task<LayerRef> CommitAsync(LayerCommitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!writable || _committed)
        {
            throw new InvalidOperationException(writable ? "the snapshot was committed already" : "a view cannot be committed");
        }

        TreeDiff.Write(Base, Path, Directory.CreateDirectory(Changes).FullName, cancellationToken);
        var layer = await LayerCommit.WriteAsync(store, Changes, overlayWhiteouts: false, options, cancellationToken).ConfigureAwait(false);
        _committed = true;
        TreeWalk.Delete(directory, CancellationToken.None);
        return layer;
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            TreeWalk.Delete(directory);
        }
    }
}
