using Slipway.Oci;

namespace Slipway.Store;

/// <summary>The on-disk store: blobs, refs, leases and garbage collection under one root. Instances share
/// nothing static, so two stores (or two processes on one store) work side by side.</summary>
public sealed class LocalStore
{
    private LocalStore(StoreLayout layout, TimeSpan lockTimeout, TimeProvider time)
    {
        Layout = layout;
        LockTimeout = lockTimeout;
        Time = time;
        Blobs = new BlobStore(layout);
        Refs = new RefStore(layout, lockTimeout);
        LayerSizes = new LayerSizes(layout, Blobs);
    }

    public StoreLayout Layout { get; }

    public BlobStore Blobs { get; }

    public RefStore Refs { get; }

    /// <summary>Each layer's unpacked size, the SIZE docker shows.</summary>
    public LayerSizes LayerSizes { get; }

    public TimeSpan LockTimeout { get; }

    /// <summary>The clock of what the store stamps or ages (leases, ingest files, cache records); the CLI passes
    /// <c>TimeProvider.System</c>.</summary>
    public TimeProvider Time { get; }

    /// <summary>Opens (creating when absent) the store at <paramref name="root"/>.</summary>
    public static LocalStore Open(string root, TimeProvider time, TimeSpan? lockTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        var layout = new StoreLayout(root);
        layout.Create();
        return new LocalStore(layout, lockTimeout ?? TimeSpan.FromSeconds(60), time);
    }

    /// <summary>Protects <paramref name="digests"/> (and any added later) from collection until disposed.</summary>
    public Lease CreateLease(params Digest[] digests) => Lease.Create(Layout, LockTimeout, Time, digests);

    public async Task<GcResult> CollectGarbageAsync(TimeSpan? ingestGracePeriod = null, CancellationToken cancellationToken = default)
    {
        using var held = await StoreLock.AcquireAsync(Layout.LockFile, LockTimeout, cancellationToken).ConfigureAwait(false);
        var collector = new GarbageCollector(Layout, Blobs, Refs, Time) { IngestGracePeriod = ingestGracePeriod ?? GarbageCollector.DefaultIngestGracePeriod };
        return collector.CollectLocked(cancellationToken);
    }

    /// <summary>What images and running operations need right now: every digest reachable from a ref or a live
    /// lease. Taken under the store lock; <paramref name="whileLocked"/> runs before it is released, so what it
    /// removes cannot race a lease being extended.</summary>
    public async Task<T> WithLiveDigestsAsync<T>(Func<IReadOnlySet<Digest>, T> whileLocked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(whileLocked);
        using var held = await StoreLock.AcquireAsync(Layout.LockFile, LockTimeout, cancellationToken).ConfigureAwait(false);
        var live = new GarbageCollector(Layout, Blobs, Refs, Time).MarkLocked(out _, cancellationToken);
        return whileLocked(live);
    }
}
