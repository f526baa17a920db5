using System.Text.Json;
using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Build.Engine;

/// <summary>What <c>slipway prune</c> removes beyond blobs: the build cache when asked, snapshots no image or cache
/// record uses any more, and scratch left by an interrupted build. Cache records keep their blobs alive unless
/// the build cache itself is pruned, as <c>docker image prune</c> leaves <c>docker builder prune</c>'s work alone.</summary>
public sealed class StoreHygiene(LocalStore store)
{
    private string CacheDir => Path.Join(store.Layout.Root, "cache");

    public sealed record Result(GcResult Blobs, int CacheRecords, int Snapshots, long SnapshotBytes);

    public async Task<Result> PruneAsync(bool buildCache, CancellationToken cancellationToken)
    {
        var removedRecords = 0;
        if (buildCache && Directory.Exists(CacheDir))
        {
            foreach (var record in Directory.EnumerateFiles(CacheDir, "*.json"))
            {
                File.Delete(record);
                removedRecords++;
            }

            // What steps were last built from (for explaining misses) goes with the cache it explains.
            var steps = Path.Join(CacheDir, "steps");
            if (Directory.Exists(steps))
            {
                Directory.Delete(steps, true);
            }
        }

        GcResult blobs;
        using (var lease = store.CreateLease([.. CacheDigests()]))
        {
            blobs = await store.CollectGarbageAsync(null, cancellationToken).ConfigureAwait(false);
        }

        // Records whose blobs are gone can never hit again.
        foreach (var (file, digests) in CacheRecords())
        {
            if (digests.Any(d => !store.Blobs.Exists(d)))
            {
                File.Delete(file);
                removedRecords++;
            }
        }

        var (snapshots, bytes) = PruneSnapshots();
        var tmp = Path.Join(store.Layout.Root, "tmp");
        if (Directory.Exists(tmp))
        {
            foreach (var dir in Directory.EnumerateDirectories(tmp).Where(d => Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddHours(-1)))
            {
                Directory.Delete(dir, true);
            }
        }

        return new Result(blobs, removedRecords, snapshots, bytes);
    }

    private IEnumerable<Digest> CacheDigests() => CacheRecords().SelectMany(r => r.Digests);

    private IEnumerable<(string File, List<Digest> Digests)> CacheRecords()
    {
        if (!Directory.Exists(CacheDir))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(CacheDir, "*.json").ToList())
        {
            var digests = new List<Digest>();
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                if (Digest.TryParse(doc.RootElement.GetProperty("config").GetString(), out var config))
                {
                    digests.Add(config);
                }

                foreach (var layer in doc.RootElement.GetProperty("layers").EnumerateArray())
                {
                    if (Digest.TryParse(layer.GetProperty("digest").GetString(), out var digest))
                    {
                        digests.Add(digest);
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
            {
                continue;
            }

            yield return (file, digests);
        }
    }

    /// <summary>Removes snapshots whose diffID no stored config (image or cache record) lists.</summary>
    private (int Count, long Bytes) PruneSnapshots()
    {
        if (!Directory.Exists(store.Layout.Snapshots))
        {
            return (0, 0);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in store.Blobs.List())
        {
            if (store.Blobs.GetSize(blob) is not { } size || size > 4 << 20)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(store.Layout.BlobPath(blob)));
                if (doc.RootElement.TryGetProperty("rootfs", out var rootfs) && rootfs.TryGetProperty("diff_ids", out var ids))
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

        var count = 0;
        long bytes = 0;
        foreach (var dir in Directory.EnumerateDirectories(store.Layout.Snapshots))
        {
            if (!used.Contains(Path.GetFileName(dir)))
            {
                bytes += new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.LinkTarget is null ? f.Length : 0);
                Directory.Delete(dir, true);
                count++;
            }
        }

        return (count, bytes);
    }
}
