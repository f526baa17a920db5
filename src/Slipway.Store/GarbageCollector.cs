using System.Text.Json;
using Slipway.Oci;

namespace Slipway.Store;

/// <summary>What a collection removed.</summary>
public sealed record GcResult(IReadOnlyList<Digest> RemovedBlobs, long FreedBytes, int RemovedIngestFiles, int RemovedStaleLeases);

/// <summary>Mark and sweep under the store lock. Roots are every ref and every digest of a live lease; marking
/// follows index → manifests and manifest → config + layers (and subject). Everything unmarked in
/// <c>blobs/</c> goes, and so do ingest files no writer holds (a writer keeps its file flock'd) once they are older
/// than <see cref="IngestGracePeriod"/>.</summary>
internal sealed class GarbageCollector(StoreLayout layout, BlobStore blobs, RefStore refs, TimeProvider time)
{
    // Manifests and indexes are small; anything bigger is a layer and is not parsed for children.
    private const long MaxDocumentSize = 4 << 20;

    /// <summary>How old an unheld ingest file must be to go: it covers the instants in which a live writer's file is
    /// not flock'd (between open and flock, and between closing and renaming it into <c>blobs/</c>).</summary>
    public TimeSpan IngestGracePeriod { get; init; } = DefaultIngestGracePeriod;

    public static readonly TimeSpan DefaultIngestGracePeriod = TimeSpan.FromMinutes(1);

    /// <summary>Call with the store lock held.</summary>
    public GcResult CollectLocked(CancellationToken cancellationToken)
    {
        var marked = MarkLocked(out var staleLeases, cancellationToken);
        var removed = new List<Digest>();
        long freed = 0;
        foreach (var digest in blobs.List().ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (marked.Contains(digest))
            {
                continue;
            }

            freed += blobs.GetSize(digest) ?? 0;
            blobs.Delete(digest);
            removed.Add(digest);
        }

        var ingest = 0;
        var cutoff = time.GetUtcNow().UtcDateTime - IngestGracePeriod;
        foreach (var file in new DirectoryInfo(layout.Ingest).EnumerateFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A download of a process that was killed (or is long gone) holds no flock: it goes now, not after an
            // hour. A live writer's file is never touched, however long it stalls.
            if (file.LastWriteTimeUtc < cutoff && StoreLock.TryAcquireExisting(file.FullName, out var abandoned))
            {
                using (abandoned)
                {
                    file.Delete();
                }

                ingest++;
            }
        }

        return new GcResult(removed, freed, ingest, staleLeases);
    }

    /// <summary>Every digest reachable from a ref or a live lease (leased digests themselves included, even those
    /// with no blob, such as the diffIDs a build leases for its snapshots). Call with the store lock held.</summary>
    public HashSet<Digest> MarkLocked(out int staleLeases, CancellationToken cancellationToken)
    {
        var leased = Lease.ActiveDigests(layout, out staleLeases);
        var marked = new HashSet<Digest>();
        var pending = new Stack<Digest>(leased);
        foreach (var target in refs.List().Values)
        {
            pending.Push(target.Digest);
        }

        while (pending.TryPop(out var digest))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!marked.Add(digest))
            {
                continue;
            }

            foreach (var child in Children(digest))
            {
                pending.Push(child);
            }
        }

        return marked;
    }

    /// <summary>What a stored blob points at, found from the document's own keys rather than a media type: a
    /// lease names bare digests, and OCI manifests may omit <c>mediaType</c>. Blobs that are not JSON
    /// documents (layers) have no children.</summary>
    private List<Digest> Children(Digest digest)
    {
        var size = blobs.GetSize(digest);
        if (size is null or 0 or > MaxDocumentSize)
        {
            return [];
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(layout.BlobPath(digest));
        }
        catch (FileNotFoundException)
        {
            return [];
        }

        if (bytes.AsSpan().TrimStart(" \t\r\n"u8) is not [(byte)'{', ..])
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var children = new List<Digest>();
            var root = document.RootElement;
            if (root.TryGetProperty("config", out var config))
            {
                AddDescriptor(config, children);
            }

            if (root.TryGetProperty("subject", out var subject))
            {
                AddDescriptor(subject, children);
            }

            foreach (var list in new[] { "layers", "manifests" })
            {
                if (root.TryGetProperty(list, out var array) && array.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in array.EnumerateArray())
                    {
                        AddDescriptor(item, children);
                    }
                }
            }

            return children;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static void AddDescriptor(JsonElement element, List<Digest> into)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("digest", out var value)
            && value.ValueKind == JsonValueKind.String && Digest.TryParse(value.GetString(), out var digest))
        {
            into.Add(digest);
        }
    }
}
