using System.Text.Json;
using Slipway.Oci;

namespace Slipway.Store;

/// <summary>A running operation's claim on blobs it uses or is about to write: garbage collection never removes
/// them while the lease is held. Held as <c>leases/&lt;id&gt;.lock</c> (flock'd for the lease's lifetime, so a
/// lease of a crashed process is recognisably stale) plus <c>leases/&lt;id&gt;.json</c> listing the digests.
/// Pass it to every blob write (the commit adds the digest before the blob becomes visible), or add a digest
/// known in advance before writing its blob.</summary>
public sealed class Lease : IDisposable
{
    private readonly StoreLayout _layout;
    private readonly TimeSpan _lockTimeout;
    private readonly StoreLock _held;
    private readonly TimeProvider _time;
    private readonly HashSet<Digest> _digests = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    private Lease(StoreLayout layout, TimeSpan lockTimeout, TimeProvider time, string id, StoreLock held)
    {
        _layout = layout;
        _lockTimeout = lockTimeout;
        _time = time;
        Id = id;
        _held = held;
    }

    public string Id { get; }

    public IReadOnlyCollection<Digest> Digests
    {
        get
        {
            lock (_gate)
            {
                return [.. _digests];
            }
        }
    }

    internal static string LockPath(StoreLayout layout, string id) => Path.Join(layout.Leases, id + ".lock");

    internal static string ContentPath(StoreLayout layout, string id) => Path.Join(layout.Leases, id + ".json");

    /// <summary>Creates the lease's lock file and takes its flock, and writes its first digests, all under the
    /// store lock: a collection runs under the same lock, so it never sees a lease file whose flock is not held
    /// yet, which it would take for a dead process's lease and delete.</summary>
    internal static Lease Create(StoreLayout layout, TimeSpan lockTimeout, TimeProvider time, IEnumerable<Digest> digests)
    {
        var id = Guid.NewGuid().ToString("N");
        using var store = StoreLock.Acquire(layout.LockFile, lockTimeout);
        var held = StoreLock.CreateHeld(LockPath(layout, id));
        var lease = new Lease(layout, lockTimeout, time, id, held);
        try
        {
            lock (lease._gate)
            {
                lease._digests.UnionWith(digests);
                lease.WriteLocked();
            }
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        return lease;
    }

    public void Add(params Digest[] digests) => Add((IEnumerable<Digest>)digests);

    /// <summary>Records more digests. Takes the store lock briefly so that a collection in progress either saw
    /// them or finishes before the caller goes on to write those blobs (a blob write given this lease adds its
    /// digest here before the blob becomes visible).</summary>
    public void Add(IEnumerable<Digest> digests)
    {
        ArgumentNullException.ThrowIfNull(digests);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var before = _digests.Count;
            _digests.UnionWith(digests);
            if (_digests.Count == before)
            {
                // Nothing new (a cached step names its stage's earlier layers again): a collection already saw these.
                return;
            }

            using var store = StoreLock.Acquire(_layout.LockFile, _lockTimeout);
            WriteLocked();
        }
    }

    /// <summary>Writes the digest list. Call with the store lock and <see cref="_gate"/> held.</summary>
    private void WriteLocked()
    {
        var file = new LeaseFile
        {
            Id = Id,
            Pid = Environment.ProcessId,
            Created = _time.GetUtcNow(),
            Digests = [.. _digests.OrderBy(d => d.Value, StringComparer.Ordinal)],
        };
        // Not fsync'd: after a crash or power cut every lease is stale anyway (its lock is free).
        DurableFile.ReplaceAtomically(ContentPath(_layout, Id), JsonSerializer.SerializeToUtf8Bytes(file, StoreJsonContext.Default.LeaseFile));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            File.Delete(ContentPath(_layout, Id));
            File.Delete(LockPath(_layout, Id));
            _held.Dispose();
        }
    }

    /// <summary>The digests protected by leases whose owners are alive. Leases whose lock can be taken belong to
    /// a process that ended without releasing them; they are removed. Call with the store lock held.</summary>
    internal static HashSet<Digest> ActiveDigests(StoreLayout layout, out int staleRemoved)
    {
        staleRemoved = 0;
        var result = new HashSet<Digest>();
        foreach (var lockPath in Directory.EnumerateFiles(layout.Leases, "*.lock"))
        {
            var id = Path.GetFileNameWithoutExtension(lockPath);
            // Leases are created under the store lock, held by the caller: a lock file that can be taken here is
            // one whose owner ended. Opening it never creates it, so a lease released meanwhile stays gone.
            if (StoreLock.TryAcquireExisting(lockPath, out var orphan))
            {
                using (orphan)
                {
                    File.Delete(ContentPath(layout, id));
                    File.Delete(lockPath);
                }

                staleRemoved++;
                continue;
            }

            try
            {
                var file = JsonSerializer.Deserialize(File.ReadAllBytes(ContentPath(layout, id)), StoreJsonContext.Default.LeaseFile);
                result.UnionWith(file?.Digests ?? []);
            }
            catch (FileNotFoundException)
            {
                // Being released: its owner no longer needs what it held.
            }
        }

        return result;
    }
}
