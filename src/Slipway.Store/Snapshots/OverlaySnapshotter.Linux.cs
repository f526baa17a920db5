using System.Runtime.Versioning;

namespace Slipway.Store.Snapshots;

/// <summary>Snapshots as overlayfs mounts (docs/decisions/0001): the parents' unpacked layers
/// (<see cref="LayerSnapshots"/>) as lowerdirs under a fresh upper dir; a commit writes the upper dir as the layer
/// and adopts it as that layer's unpacked snapshot, so the next step stacks it without unpacking. Needs root.</summary>
[SupportedOSPlatform("linux")]
public sealed class OverlaySnapshotter(LocalStore store) : ISnapshotter
{
    private readonly LayerSnapshots _layers = new(store);

    /// <summary>Fetches a layer blob the store lacks (one imported with <c>--cache-from</c>) before it is unpacked.</summary>
    public IBlobFetcher? Fetcher
    {
        get => _layers.Fetcher;
        init => _layers.Fetcher = value;
    }

    public async Task<IActiveSnapshot> PrepareAsync(string directory, IReadOnlyList<LayerRef> parents, CancellationToken cancellationToken) =>
        OverlaySnapshot.Mount(store, _layers, directory, await _layers.LowerDirsAsync(parents, cancellationToken).ConfigureAwait(false), writable: true);

    public async Task<ISnapshotView> ViewAsync(string directory, IReadOnlyList<LayerRef> parents, CancellationToken cancellationToken) =>
        OverlaySnapshot.Mount(store, _layers, directory, await _layers.LowerDirsAsync(parents, cancellationToken).ConfigureAwait(false), writable: false);
}

/// <summary>One overlay mount in its directory: <c>merged/</c> (the tree), <c>upper/</c> and <c>work/</c> (when
/// writable), <c>empty/</c> (the lowerdir overlayfs needs when there are too few layers).</summary>
[SupportedOSPlatform("linux")]
internal sealed class OverlaySnapshot : IActiveSnapshot
{
    private readonly LocalStore _store;
    private readonly LayerSnapshots _layers;
    private readonly string _directory;
    private readonly bool _writable;
    private bool _mounted;
    private bool _committed;

    private OverlaySnapshot(LocalStore store, LayerSnapshots layers, string directory, bool writable)
    {
        _store = store;
        _layers = layers;
        _directory = directory;
        _writable = writable;
    }

    public string Path => System.IO.Path.Join(_directory, "merged");

    private string Upper => System.IO.Path.Join(_directory, "upper");

    private string Work => System.IO.Path.Join(_directory, "work");

    private string Empty => System.IO.Path.Join(_directory, "empty");

    public static OverlaySnapshot Mount(LocalStore store, LayerSnapshots layers, string directory, List<string> lowers, bool writable)
    {
        if (Directory.Exists(directory))
        {
            throw new InvalidOperationException($"a snapshot's directory must be new: {directory} exists");
        }

        var snapshot = new OverlaySnapshot(store, layers, directory, writable);
        try
        {
            foreach (var dir in writable ? [snapshot.Path, snapshot.Empty, snapshot.Upper, snapshot.Work] : (string[])[snapshot.Path, snapshot.Empty])
            {
                Directory.CreateDirectory(dir);
            }

            // overlayfs needs a lower dir even for scratch, and two when there is no upper dir (one alone is bound).
            if (lowers.Count == 0 || (!writable && lowers.Count == 1))
            {
                lowers.Add(snapshot.Empty);
            }

            OverlayMount.Mount(lowers, writable ? snapshot.Upper : null, writable ? snapshot.Work : null, snapshot.Path);
            snapshot._mounted = true;
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    public bool HasChanges() => _writable && !_committed && Directory.EnumerateFileSystemEntries(Upper).Any();

    public async Task<LayerRef> CommitAsync(LayerCommitOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!_writable || _committed)
        {
            throw new InvalidOperationException(_writable ? "the snapshot was committed already" : "a view cannot be committed");
        }

        // The upper dir is read whole and then renamed into snapshots/: nothing may write to it any more.
        Unmount();
        var layer = await LayerCommit.WriteAsync(_store, Upper, overlayWhiteouts: true, options, cancellationToken).ConfigureAwait(false);
        // Leased before it appears under snapshots/, so a concurrent prune never takes it from under the build.
        options.Lease?.Add(layer.DiffId);
        _layers.Adopt(Upper, layer.DiffId);
        _committed = true;
        return layer;
    }

    private void Unmount()
    {
        if (_mounted)
        {
            OverlayMount.Unmount(Path);
            _mounted = false;
        }
    }

    public void Dispose()
    {
        Unmount();
        if (Directory.Exists(_directory))
        {
            // The upper dir may hold links anywhere: removed without following them.
            TreeWalk.Delete(_directory);
        }
    }
}
