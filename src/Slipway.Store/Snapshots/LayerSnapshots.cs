using System.Collections.Concurrent;
using System.Text;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Store.Snapshots;

/// <summary>Unpacked layers, one directory per diffID under <c>snapshots/</c>, in overlay form (whiteouts as 0/0
/// devices, opaque directories by xattr) so they can be stacked as overlayfs lowerdirs: the immutable snapshots of
/// <see cref="OverlaySnapshotter"/>.</summary>
public sealed class LayerSnapshots(LocalStore store)
{
    private readonly ConcurrentDictionary<Digest, Lazy<Task<string>>> _unpacking = new();

    /// <summary>Fetches a layer blob the store lacks (one imported with <c>--cache-from</c>) before it is unpacked.</summary>
    public IBlobFetcher? Fetcher { get; set; }

    public string PathOf(Digest diffId) => store.Layout.SnapshotTreePath(diffId);

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
        var parent = Directory.CreateDirectory(store.Layout.SnapshotDir(layer.DiffId)).FullName;
        var temp = Directory.CreateDirectory(Path.Join(parent, "fs.tmp-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await ExtractVerifiedAsync(store, Fetcher, layer, temp, new ExtractOptions { Whiteouts = WhiteoutMode.OverlaySnapshot }, cancellationToken)
                .ConfigureAwait(false);
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

    /// <summary>Applies a stored layer onto <paramref name="root"/>, fetching its blob first when the store lacks it,
    /// and checks that its content is the diffID it claims: a snapshot is named by that diffID and shared by every
    /// image that claims it, so a layer whose content is something else must never become one.</summary>
    internal static async Task ExtractVerifiedAsync(LocalStore store, IBlobFetcher? fetcher, LayerRef layer, string root, ExtractOptions options,
        CancellationToken cancellationToken)
    {
        if (fetcher is not null && !store.Blobs.Exists(layer.Blob.Digest))
        {
            await fetcher.EnsureAsync(layer.Blob, cancellationToken).ConfigureAwait(false);
        }

        ExtractResult result;
        try
        {
            // Verified as read: the extractor reads the blob to its end, so a damaged blob fails here even when
            // the damage decompresses into a valid tar.
            await using var blob = store.Blobs.OpenVerifiedRead(layer.Blob.Digest);
            result = await LayerExtractor.ExtractAsync(blob, layer.Blob.MediaType, root, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LayerExtractionException or BlobCorruptException)
        {
            throw new SnapshotException($"unpacking layer {layer.Blob.Digest}: {await CorruptionAsync(store, layer.Blob.Digest, ex).ConfigureAwait(false)}", ex);
        }

        if (result.DiffId != layer.DiffId)
        {
            throw new SnapshotException(
                $"layer {layer.Blob.Digest} does not match its diffID: the image config claims {layer.DiffId}, " +
                $"its content is {result.DiffId}; nothing was unpacked");
        }

        // Read anyway: remembered so that listing the image never reads the layer again.
        store.LayerSizes.Record(layer.DiffId, result.UnpackedBytes);
    }

    /// <summary>Why a layer could not be read: a damaged stream is most often a damaged blob, which says so (the
    /// decompressor or the tar reader usually trips over it before the digest check at the end).</summary>
    private static async Task<string> CorruptionAsync(LocalStore store, Digest digest, Exception ex)
    {
        if (ex is BlobCorruptException || ex.InnerException is BlobCorruptException)
        {
            return (ex as BlobCorruptException ?? (BlobCorruptException)ex.InnerException!).Message;
        }

        var actual = await store.Blobs.ComputeDigestAsync(digest).ConfigureAwait(false);
        return actual is { } a && a != digest ? new BlobCorruptException(digest, a).Message : ex.Message;
    }

    /// <summary>Adopts a committed overlay upper dir as the snapshot of the layer it became.</summary>
    public void Adopt(string upperDir, Digest diffId)
    {
        var path = PathOf(diffId);
        if (Directory.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(store.Layout.SnapshotDir(diffId));
        RecordVerified(diffId);
        MoveIntoPlace(upperDir, path);
    }

    /// <summary>Records, before the tree is renamed into place, that it was made from content with this diffID
    /// (<c>slipway fsck</c> reports a tree without the record as unverified).</summary>
    private void RecordVerified(Digest diffId) =>
        DurableFile.ReplaceAtomically(store.Layout.SnapshotRecordPath(diffId), Encoding.UTF8.GetBytes(diffId.Value + "\n"));

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
}
