using System.Collections.Concurrent;
using System.Text;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

/// <summary>Unpacked layers, one directory per diffID under <c>snapshots/</c>, in overlay form (whiteouts as
/// 0/0 devices) so they can be stacked as overlayfs lowerdirs; and scratch space for a step's upper dir.</summary>
public sealed class Snapshots(LocalStore store)
{
    private readonly ConcurrentDictionary<Digest, Lazy<Task<string>>> _unpacking = new();

    public string Root => store.Layout.Snapshots;

    /// <summary>Fetches a layer blob the store lacks (one imported with <c>--cache-from</c>) before it is unpacked.</summary>
    public IBlobFetcher? Fetcher { get; set; }

    public string PathOf(Digest diffId) => System.IO.Path.Join(Root, diffId.Hex, StoreLayout.SnapshotTree);

    /// <summary>The snapshot of a layer, unpacking it on first use. A half-unpacked layer never appears under
    /// its final name: it is unpacked beside it, its uncompressed content is checked against the diffID, and only
    /// then is it renamed.</summary>
    public Task<string> EnsureAsync(LayerRef layer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var path = PathOf(layer.DiffId);
        if (Directory.Exists(path))
        {
            return Task.FromResult(path);
        }

        return _unpacking.GetOrAdd(layer.DiffId, _ => new Lazy<Task<string>>(() => UnpackAsync(layer, path, cancellationToken))).Value;
    }

    private async Task<string> UnpackAsync(LayerRef layer, string path, CancellationToken cancellationToken)
    {
        var parent = Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!).FullName;
        var temp = Directory.CreateDirectory(System.IO.Path.Join(parent, "fs.tmp-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            if (Fetcher is not null && !store.Blobs.Exists(layer.Blob.Digest))
            {
                await Fetcher.EnsureAsync(layer.Blob, cancellationToken).ConfigureAwait(false);
            }

            ExtractResult result;
            try
            {
                // Verified as read: the extractor reads the blob to its end, so a damaged blob fails here even when
                // the damage decompresses into a valid tar.
                await using var blob = store.Blobs.OpenVerifiedRead(layer.Blob.Digest);
                result = await LayerExtractor.ExtractAsync(blob, layer.Blob.MediaType, temp, new ExtractOptions { Whiteouts = WhiteoutMode.OverlaySnapshot }, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LayerExtractionException or BlobCorruptException)
            {
                throw new BuildException($"unpacking layer {layer.Blob.Digest}: {await CorruptionAsync(layer.Blob.Digest, ex).ConfigureAwait(false)}", ex);
            }

            // The snapshot is named by the diffID the image config claims and shared by every image that claims
            // it, so a layer whose content is something else must never appear under that name.
            if (result.DiffId != layer.DiffId)
            {
                throw new BuildException(
                    $"layer {layer.Blob.Digest} does not match its diffID: the image config claims {layer.DiffId}, " +
                    $"its content is {result.DiffId}; nothing was unpacked");
            }

            RecordVerified(layer.DiffId);
            MoveIntoPlace(temp, path);
        }
        finally
        {
            // An unpacked layer may hold links anywhere: removed without following them.
            TreeWalk.Delete(temp, CancellationToken.None);
        }

        return path;
    }

    /// <summary>Why a layer could not be read: a damaged stream is most often a damaged blob, which says so (the
    /// decompressor or the tar reader usually trips over it before the digest check at the end).</summary>
    private async Task<string> CorruptionAsync(Digest digest, Exception ex)
    {
        if (ex is BlobCorruptException || ex.InnerException is BlobCorruptException)
        {
            return (ex as BlobCorruptException ?? (BlobCorruptException)ex.InnerException!).Message;
        }

        var actual = await store.Blobs.ComputeDigestAsync(digest).ConfigureAwait(false);
        return actual is { } a && a != digest ? new BlobCorruptException(digest, a).Message : ex.Message;
    }

    /// <summary>Adopts a finished step's upper dir as the snapshot of the layer it became.</summary>
    public void Adopt(string upperDir, Digest diffId)
    {
        var path = PathOf(diffId);
        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        RecordVerified(diffId);
        MoveIntoPlace(upperDir, path);
    }

    /// <summary>Records, before the tree is renamed into place, that it was made from content with this diffID
    /// (<c>slipway fsck</c> reports a tree without the record as unverified).</summary>
    private void RecordVerified(Digest diffId) =>
        DurableFile.ReplaceAtomically(System.IO.Path.Join(Root, diffId.Hex, StoreLayout.SnapshotVerifiedFile), Encoding.UTF8.GetBytes(diffId.Value + "\n"));

    /// <summary>Renames a finished tree to its snapshot name. Two steps of parallel stages can make the same layer
    /// (three stages' <c>WORKDIR /app</c> on one base) and race here: the loser's tree is the same bytes, so it
    /// stays where it was (its workspace removes it) and the winner's snapshot serves both.</summary>
    private static void MoveIntoPlace(string source, string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Move(source, path);
        }
        catch (IOException) when (Directory.Exists(path))
        {
        }
    }

    /// <summary>Fresh scratch space for one step: upper, work and merged dirs on the store's filesystem.</summary>
    public Workspace CreateWorkspace() => new(System.IO.Path.Join(store.Layout.Root, "tmp", Guid.NewGuid().ToString("N")));

    /// <summary>The snapshots of <paramref name="layers"/> (top-most last) as overlayfs lowerdirs, top-most first.
    /// Two layers with the same diffID (two RUN steps that change nothing both make the empty layer) share one
    /// snapshot, and overlayfs refuses a lowerdir listed twice (ELOOP, "conflicting lowerdir path"); only the
    /// top-most copy is kept, which shows the same tree: everything the lower copy holds, the upper one holds
    /// above every layer in between.</summary>
    public async Task<List<string>> LowerDirsAsync(IReadOnlyList<LayerRef> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layers);
        // Each layer unpacks into a directory of its own, so several unpack at once: one per core keeps every
        // core inflating, and a 40-layer image still does not start 40 writers on one disk.
        var seen = new HashSet<Digest>();
        var unique = layers.Reverse().Where(layer => seen.Add(layer.DiffId)).ToList();
        var lowers = new string[unique.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount),
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, unique.Count), parallel, async (i, _) =>
            lowers[i] = await EnsureAsync(unique[i], cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return [.. lowers];
    }

    /// <summary>Mounts the stage's layers (top-most last in <paramref name="layers"/>) with a writable upper dir.</summary>
    public async Task<MountedRoot> MountAsync(IReadOnlyList<LayerRef> layers, Workspace workspace, bool writable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var lowers = await LowerDirsAsync(layers, cancellationToken).ConfigureAwait(false);

        // overlayfs needs a lower dir even for scratch, and two when there is no upper dir.
        if (lowers.Count == 0 || (!writable && lowers.Count == 1))
        {
            lowers.Add(workspace.Empty);
        }

        OverlayMount.Mount(lowers, writable ? workspace.Upper : null, writable ? workspace.Work : null, workspace.Merged);
        return new MountedRoot(workspace.Merged);
    }
}

/// <summary>A step's scratch directories; removed (after unmounting) when disposed. <c>&lt;dir&gt;.lock</c> is held
/// (flock) for the workspace's life: a prune reclaims the mounts, the container and the files of a workspace whose
/// lock it can take, i.e. one a killed process left, and leaves a live one alone.</summary>
public sealed class Workspace : IDisposable
{
    private readonly StoreLock _owner;

    public Workspace(string dir)
    {
        Dir = dir;
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        _owner = StoreLock.CreateHeld(LockPath(dir));
        Directory.CreateDirectory(Upper);
        Directory.CreateDirectory(Work);
        Directory.CreateDirectory(Merged);
        Directory.CreateDirectory(Empty);
        Directory.CreateDirectory(Bundle);
    }

    public string Dir { get; }

    public string Upper => Path.Join(Dir, "upper");

    public string Work => Path.Join(Dir, "work");

    public string Merged => Path.Join(Dir, "merged");

    public string Empty => Path.Join(Dir, "empty");

    public string Bundle => Path.Join(Dir, "bundle");

    /// <summary>The OCI runtime's id for the one container this workspace runs: named after the workspace, so a
    /// prune can tell whose it is.</summary>
    public string ContainerId => ContainerPrefix + Path.GetFileName(Dir);

    public const string ContainerPrefix = "slipway-";

    /// <summary>The lock a live workspace holds.</summary>
    public static string LockPath(string dir) => dir + ".lock";

    /// <summary>Other mounts made under <see cref="Dir"/> for this step (tmpfs for secrets, overlays for writable
    /// bind mounts); unmounted, last first, before the directory is removed.</summary>
    public List<string> ExtraMounts { get; } = [];

    /// <summary>Locks held for this step (a <c>sharing=locked</c> cache); released when the step ends.</summary>
    public List<IDisposable> Locks { get; } = [];

    public void Dispose()
    {
        foreach (var held in Locks)
        {
            held.Dispose();
        }

        for (var i = ExtraMounts.Count - 1; i >= 0; i--)
        {
            OverlayMount.Unmount(ExtraMounts[i]);
        }

        OverlayMount.Unmount(Merged);
        if (Directory.Exists(Dir))
        {
            TreeWalk.Delete(Dir);
        }

        File.Delete(LockPath(Dir));
        _owner.Dispose();
    }
}

/// <summary>A mounted root filesystem; unmounted when disposed.</summary>
public sealed class MountedRoot(string path) : IDisposable
{
    private bool _unmounted;

    public string Path { get; } = path;

    public void Dispose()
    {
        if (!_unmounted)
        {
            OverlayMount.Unmount(Path);
            _unmounted = true;
        }
    }
}
