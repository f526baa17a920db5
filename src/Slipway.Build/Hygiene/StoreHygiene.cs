using System.Text.Json;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Hygiene;

/// <summary>What <c>slipway prune</c> removes beyond blobs: the build cache when asked (all of it, what was last
/// used before <c>until</c>, or the least recently used part above a size), snapshots no image or cache record
/// uses any more, and scratch left by an interrupted build. Cache records keep their blobs alive unless the build
/// cache itself is pruned, as <c>docker image prune</c> leaves <c>docker builder prune</c>'s work alone. Nothing
/// an image (a ref, dangling or not) or a live lease (a running build) needs is ever removed.</summary>
public sealed class StoreHygiene(LocalStore store)
{
    private string CacheDir => store.Layout.CacheRecords;

    private string MountsDir => store.Layout.CacheMounts;

    /// <summary>The container runtimes (<c>runc</c>, <c>crun</c>) that remove a container a killed build left under
    /// <c>runtime/&lt;name&gt;/</c>. A runtime not listed here leaves its containers (and their workspaces) in place.</summary>
    public IReadOnlyList<Runtime.IContainerRuntime> Runtimes { get; init; } = [];

    /// <summary>What removes the network namespace and pasta process of a killed build's RUN; without it they
    /// stay (they hold no store content).</summary>
    public Runtime.Network.NetworkTools? Network { get; init; }

    public sealed record Result(GcResult Blobs, int CacheRecords, int Snapshots, long SnapshotBytes, int CacheMounts = 0, long CacheMountBytes = 0,
        int AbandonedWorkspaces = 0)
    {
        public long ReclaimedBytes => Blobs.FreedBytes + SnapshotBytes + CacheMountBytes;
    }

    /// <summary>The build cache as prune sees it: its entries and the size of every resource they hold that no
    /// image or running build needs.</summary>
    public sealed record Usage(IReadOnlyList<PrunableEntry> Entries, IReadOnlyDictionary<string, long> Sizes)
    {
        public long TotalBytes => CachePlan.Total(Entries, Sizes);
    }

    public Task<Result> PruneAsync(bool buildCache, CancellationToken cancellationToken) =>
        PruneAsync(new PruneOptions { All = buildCache }, cancellationToken);

    public Task<Result> PruneAsync(PruneOptions options, CancellationToken cancellationToken) =>
        PruneAsync(options, null, cancellationToken);

    /// <summary>Prunes; <paramref name="measured"/> is a measure the caller has just taken (removal re-checks what
    /// is live under the lock, so it need not be taken again).</summary>
    public async Task<Result> PruneAsync(PruneOptions options, Usage? measured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // First: a killed build's mounts may stack snapshots this prune is about to remove.
        var abandoned = await new AbandonedWork(store.Layout, Runtimes, Network, store.Time).ReclaimAsync(cancellationToken).ConfigureAwait(false);
        var removedRecords = 0;
        var mountVictims = new List<string>();
        if (options.TouchesBuildCache)
        {
            var usage = measured ?? await MeasureAsync(cancellationToken).ConfigureAwait(false);
            foreach (var victim in CachePlan.Select(usage.Entries, usage.Sizes, options.KeepStorage, options.Until))
            {
                if (victim.Id.StartsWith(RecordPrefix, StringComparison.Ordinal))
                {
                    File.Delete(victim.Id[RecordPrefix.Length..]);
                    removedRecords++;
                }
                else if (victim.Id.StartsWith(MountPrefix, StringComparison.Ordinal))
                {
                    mountVictims.Add(victim.Id[MountPrefix.Length..]);
                }
            }

            // What steps were last built from (for explaining misses) goes with the cache it explains, and so do
            // the memos of what COPY --from read from stages (a build makes them again when it needs them). The
            // folders stay: a build running beside this prune writes its records into them, and removing a folder
            // it had just written to failed the prune with "Directory not empty".
            foreach (var dir in new[] { store.Layout.StepHistory, store.Layout.StageFingerprints })
            {
                ClearMemos(dir, cancellationToken);
            }
        }

        GcResult blobs;
        using (var lease = store.CreateLease([.. CacheRecords().SelectMany(r => r.Digests)]))
        {
            blobs = await store.CollectGarbageAsync(null, cancellationToken).ConfigureAwait(false);
        }

        // Records whose blobs are gone can never hit again.
        foreach (var record in CacheRecords())
        {
            if (record.Digests.Any(d => !store.Blobs.Exists(d)))
            {
                File.Delete(record.File);
                removedRecords++;
            }
        }

        // Under the store lock: a build extends its lease (diffIDs, cache mounts) under the same lock before it
        // uses a snapshot or a mount, so it either is seen here or starts using them after they are gone. Only the
        // choice and a rename out of the way happen under the lock; walking and removing the trees (which may be
        // large) happen after it is released, so other commands are not kept waiting.
        var (snapshotTrash, mountTrash) = await store.WithLiveDigestsAsync(
            live => (TrashSnapshots(live), TrashMounts(mountVictims, live)), cancellationToken).ConfigureAwait(false);
        var (snapshots, bytes) = Trash.Empty(snapshotTrash, cancellationToken);
        var (mounts, mountBytes) = Trash.Empty(mountTrash, cancellationToken);
        // Trash a killed prune left.
        Trash.Empty([.. Trash.Leftover(store.Layout.Snapshots), .. Trash.Leftover(MountsDir)], cancellationToken);

        return new Result(blobs, removedRecords, snapshots, bytes, mounts, mountBytes, abandoned);
    }

    /// <summary>Walks the build cache: every record (its file, the blobs and snapshots it names) and every cache
    /// mount, each with the time it was last used. What an image or a live lease needs has no size here, so it
    /// neither counts towards a limit nor is freed by removing an entry.</summary>
    public async Task<Usage> MeasureAsync(CancellationToken cancellationToken)
    {
        var live = await store.WithLiveDigestsAsync(l => new HashSet<Digest>(l), cancellationToken).ConfigureAwait(false);
        var liveSnapshots = DiffIdsIn(live);
        liveSnapshots.UnionWith(live.Select(d => d.Hex));
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var entries = new List<PrunableEntry>();
        foreach (var record in CacheRecords())
        {
            var resources = new List<string> { RecordPrefix + record.File };
            sizes[RecordPrefix + record.File] = FileSize(record.File);
            foreach (var digest in record.Digests.Where(d => !live.Contains(d)))
            {
                var key = "blob:" + digest.Value;
                resources.Add(key);
                sizes[key] = store.Blobs.GetSize(digest) ?? 0;
            }

            foreach (var diffId in record.DiffIds.Where(d => !liveSnapshots.Contains(d)))
            {
                var key = "snapshot:" + diffId;
                resources.Add(key);
                if (!sizes.ContainsKey(key))
                {
                    sizes[key] = TreeWalk.Size(store.Layout.SnapshotDir(Digest.Parse("sha256:" + diffId)), cancellationToken);
                }
            }

            entries.Add(new PrunableEntry(RecordPrefix + record.File, File.GetLastWriteTimeUtc(record.File), resources));
        }

        if (Directory.Exists(MountsDir))
        {
            foreach (var dir in Directory.EnumerateDirectories(MountsDir))
            {
                var name = Path.GetFileName(dir);
                if (name.StartsWith(Trash.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (Digest.TryParse("sha256:" + name, out var asDigest) && live.Contains(asDigest))
                {
                    continue;
                }

                sizes[MountPrefix + name] = TreeWalk.Size(dir, cancellationToken);
                entries.Add(new PrunableEntry(MountPrefix + name, Directory.GetLastWriteTimeUtc(dir), [MountPrefix + name]));
            }
        }

        return new Usage(entries, sizes);
    }

    private const string RecordPrefix = "record:";

    private const string MountPrefix = "mount:";

    private sealed record CacheRecordFile(string File, List<Digest> Digests, List<string> DiffIds);

    private IEnumerable<CacheRecordFile> CacheRecords()
    {
        if (!Directory.Exists(CacheDir))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(CacheDir, "*.json").ToList())
        {
            var record = new CacheRecordFile(file, [], []);
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                if (Digest.TryParse(doc.RootElement.GetProperty("config").GetString(), out var config))
                {
                    record.Digests.Add(config);
                }

                foreach (var layer in doc.RootElement.GetProperty("layers").EnumerateArray())
                {
                    if (Digest.TryParse(layer.GetProperty("digest").GetString(), out var digest))
                    {
                        record.Digests.Add(digest);
                    }

                    if (layer.TryGetProperty("diffId", out var diffId) && Digest.TryParse(diffId.GetString(), out var diff))
                    {
                        record.DiffIds.Add(diff.Hex);
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
            {
                continue;
            }

            yield return record;
        }
    }

    /// <summary>The diffIDs (hex) the image configs among <paramref name="blobs"/> list.</summary>
    private HashSet<string> DiffIdsIn(IEnumerable<Digest> blobs)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in blobs)
        {
            if (store.Blobs.GetSize(blob) is not { } size || size > 4 << 20)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(store.Layout.BlobPath(blob)));
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("rootfs", out var rootfs)
                    && rootfs.TryGetProperty("diff_ids", out var ids))
                {
                    foreach (var id in ids.EnumerateArray())
                    {
                        if (Digest.TryParse(id.GetString(), out var diffId))
                        {
                            used.Add(diffId.Hex);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or IOException)
            {
                // Layers and other non-JSON blobs.
            }
        }

        return used;
    }

    /// <summary>Moves the snapshots whose diffID no stored config (image or cache record) lists and no live lease
    /// holds out of the way (renamed to a trash name beside them: no build can find them any more) and returns their
    /// new paths, and removes their size records. Call with the store lock held; it walks no tree.</summary>
    private List<string> TrashSnapshots(IReadOnlySet<Digest> live)
    {
        if (!Directory.Exists(store.Layout.Snapshots))
        {
            return [];
        }

        var used = DiffIdsIn(store.Blobs.List());
        used.UnionWith(live.Select(d => d.Hex));
        // The sizes recorded for layers that are gone go with them (a layer that comes back is counted again).
        store.LayerSizes.RemoveAllBut(used);
        return [.. Directory.EnumerateFileSystemEntries(store.Layout.Snapshots)
            .Where(dir => !Path.GetFileName(dir).StartsWith(Trash.Prefix, StringComparison.Ordinal) && !used.Contains(Path.GetFileName(dir)))
            .Select(Trash.Move)];
    }

    /// <summary>Moves the chosen cache mounts that no running build has leased since they were chosen out of the way.
    /// Call with the store lock held.</summary>
    private List<string> TrashMounts(List<string> names, IReadOnlySet<Digest> live) =>
        [.. names
            .Where(name => !(Digest.TryParse("sha256:" + name, out var digest) && live.Contains(digest)))
            .Select(name => Path.Join(MountsDir, name))
            .Where(dir => Store.Layers.LayerNative.LStat(dir) is not null)
            .Select(Trash.Move)];

    /// <summary>Removes the memos in <paramref name="dir"/> but not the folder, which a running build may be about to
    /// write into, nor the temp files (<c>.name.random.tmp</c>) such a build is about to rename into place. A memo
    /// rewritten meanwhile stays for the next prune.</summary>
    private static void ClearMemos(string dir, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(dir).Where(e => !Path.GetFileName(e).StartsWith('.')).ToList())
        {
            try
            {
                TreeWalk.Delete(entry, cancellationToken);
            }
            catch (IOException)
            {
                // Written to while it was being removed.
            }
        }
    }

    private static long FileSize(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
