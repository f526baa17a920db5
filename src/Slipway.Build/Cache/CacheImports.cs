using System.Collections.Concurrent;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;

namespace Slipway.Build.Cache;

/// <summary>Caches imported with <c>--cache-from</c> (from a registry or a local directory), merged into one index:
/// records by key (the first import wins for a key), and the blobs they may use, fetched lazily. A record is a hit
/// without its layers being fetched; a layer is fetched only when a snapshot must be unpacked from it (a later step
/// runs on it) or an export needs it. Fetched blobs are held by a lease for the build's length so a concurrent prune
/// cannot take them before the image is named; the layers of a hit join <paramref name="buildLease"/>. Records saved
/// into it live as long as it does (the solver saves into the store's own index, never here).</summary>
public sealed class CacheImports(LocalStore store, Lease? buildLease = null) : ICacheIndex<StepState>, IStageFileMemos, IBlobFetcher, IDisposable
{
    private readonly LocalStore _store = store;
    private readonly Lease _lease = store.CreateLease();
    private readonly ConcurrentDictionary<CacheKey, StepCacheRecord> _records = new();
    private readonly Dictionary<Digest, (Descriptor Blob, IBlobSource Source)> _blobs = [];
    private readonly Dictionary<string, (Descriptor Blob, IBlobSource Source)> _mounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Digest, Lazy<Task>> _fetching = new();
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _fingerprints = new(StringComparer.Ordinal);

    public int RecordCount => _records.Count;

    public void Dispose() => _lease.Dispose();

    public ValueTask<CacheRecord?> QueryAsync(CacheKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CacheRecord?>(_records.GetValueOrDefault(key));

    /// <summary>A hit without fetching a layer: they come when a snapshot or the export needs them.</summary>
    public async ValueTask<StepState?> LoadAsync(CacheRecord record, CancellationToken cancellationToken)
    {
        var own = record as StepCacheRecord ?? throw new ArgumentException("not a step cache record", nameof(record));
        var state = await own.LoadAsync(_store, Available, cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            buildLease?.Add(StepCacheRecord.Protected(state));
        }

        return state;
    }

    /// <summary>Keeps a result in this index for its life: its config blob is written to the store (held by the
    /// import's lease), its layers must be there already.</summary>
    public async ValueTask SaveAsync(CacheKey key, StepState result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var config = await _store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(result.Config), _lease, cancellationToken).ConfigureAwait(false);
        _records[key] = StepCacheRecord.Of(key, config.Digest, result);
    }

    public ValueTask<IReadOnlyList<CacheRecord>> RecordsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<CacheRecord>>([.. _records.Values]);

    public ValueTask<int> PruneAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return ValueTask.FromResult(keys.Distinct().Count(key => _records.TryRemove(key, out _)));
    }

    /// <summary>The stage fingerprint memo an import carries for <paramref name="id"/> (<see cref="StageFingerprints"/>).</summary>
    public IReadOnlyDictionary<string, string>? StageFiles(string id) => _fingerprints.GetValueOrDefault(id);

    /// <summary>Whether a blob is in the store or can be fetched from an import.</summary>
    public bool Available(Digest digest) => _store.Blobs.Exists(digest) || _blobs.ContainsKey(digest);

    /// <summary>The imported contents of a cache mount, by id.</summary>
    public bool HasMount(string id) => _mounts.ContainsKey(id);

    /// <summary>Makes <paramref name="blob"/> present in the store, fetching it from the import that has it. Two
    /// callers asking for one blob share one download.</summary>
    public Task EnsureAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (_store.Blobs.Exists(blob.Digest))
        {
            return Task.CompletedTask;
        }

        if (!_blobs.TryGetValue(blob.Digest, out var known))
        {
            throw new BuildException($"blob {blob.Digest} is neither in the store nor in an imported cache");
        }

        return _fetching.GetOrAdd(blob.Digest, _ => new Lazy<Task>(() => FetchAsync(known.Blob, known.Source, cancellationToken))).Value;
    }

    /// <summary>Unpacks the imported contents of cache mount <paramref name="id"/> into <paramref name="dir"/>
    /// with the layer extractor (the layer is hostile input: nothing lands outside the directory).</summary>
    public async Task<bool> SeedMountAsync(string id, string dir, CancellationToken cancellationToken)
    {
        if (!_mounts.TryGetValue(id, out var mount))
        {
            return false;
        }

        await EnsureAsync(mount.Blob, cancellationToken).ConfigureAwait(false);
        var stream = _store.Blobs.OpenVerifiedRead(mount.Blob.Digest);
        await using (stream.ConfigureAwait(false))
        {
            await Store.Layers.LayerExtractor.ExtractAsync(stream, mount.Blob.MediaType, dir, new Store.Layers.ExtractOptions(), cancellationToken)
                .ConfigureAwait(false);
        }

        return true;
    }

    private async Task FetchAsync(Descriptor blob, IBlobSource source, CancellationToken cancellationToken)
    {
        _lease.Add(blob.Digest);
        try
        {
            var writer = _store.Blobs.OpenWriter(blob.Size, blob.Digest);
            await using (writer.ConfigureAwait(false))
            {
                await source.CopyAsync(blob, writer, cancellationToken).ConfigureAwait(false);
                await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or StoreException or InvalidDataException or Registry.RegistryException
            or Registry.IdleTimeoutException or HttpRequestException)
        {
            _fetching.TryRemove(blob.Digest, out _);
            throw new BuildException($"fetching {blob.Digest} from the cache at {source.Name}: {ErrorText.Describe(ex)}", ex);
        }
    }

    /// <summary>Adds one imported cache: its records (first import wins for a key), its blobs, and its cache
    /// mounts; the config blobs of its records are fetched now, being small and needed to answer a hit.</summary>
    internal async Task AddAsync(CacheConfig config, IReadOnlyList<Descriptor> blobs, IBlobSource source,
        IReadOnlyDictionary<Digest, byte[]>? inlineConfigs, CancellationToken cancellationToken)
    {
        foreach (var blob in blobs)
        {
            _blobs.TryAdd(blob.Digest, (blob, source));
        }

        foreach (var entry in config.Records)
        {
            if (!Digest.TryParse(entry.Key, out var key) || entry.Record.ValueKind != System.Text.Json.JsonValueKind.Object
                || StepCacheRecord.Parse(new CacheKey(key), System.Text.Encoding.UTF8.GetBytes(entry.Record.GetRawText())) is not { } record)
            {
                continue;
            }

            var recordBlobs = record.Blobs;

            if (!_store.Blobs.Exists(recordBlobs.Config))
            {
                if (inlineConfigs is not null && inlineConfigs.TryGetValue(recordBlobs.Config, out var data))
                {
                    _lease.Add(recordBlobs.Config);
                    await _store.Blobs.WriteAsync(new MemoryStream(data), data.Length, recordBlobs.Config, cancellationToken).ConfigureAwait(false);
                }
                else if (_blobs.TryGetValue(recordBlobs.Config, out var known))
                {
                    await EnsureAsync(known.Blob, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    continue;
                }
            }

            _records.TryAdd(record.Key, record);
        }

        foreach (var entry in config.Fingerprints ?? [])
        {
            if (StageFingerprints.IsId(entry.Id) && entry.Files is not null && StageFingerprints.FromImport(entry.Files) is { } files)
            {
                _fingerprints.TryAdd(entry.Id, files);
            }
        }

        foreach (var mount in config.Mounts)
        {
            if (Digest.TryParse(mount.Digest, out var digest) && mount.Size >= 0 && mount.Id.Length > 0)
            {
                var blob = new Descriptor { MediaType = mount.MediaType, Digest = digest, Size = mount.Size };
                _blobs.TryAdd(digest, (blob, source));
                _mounts.TryAdd(mount.Id, (blob, source));
            }
        }
    }
}
