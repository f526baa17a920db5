using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;

namespace Slipway.Build.Cache;

/// <summary>The store's own build cache: step results by cache key under <c>cache/&lt;hex&gt;.json</c> (the config
/// blob and the layers a step left its stage with), and the memos of what <c>COPY --from=&lt;stage&gt;</c> read
/// under <c>cache/fingerprints/</c>. A record whose blobs were collected is a miss, never an error. What it loads
/// and saves joins <paramref name="lease"/> (the build's), so a concurrent prune cannot take it from the build.</summary>
public sealed class LocalCacheIndex(LocalStore store, Lease? lease = null) : ICacheIndex<StepState>, IStageFileMemos
{
    private readonly StageFingerprints _memos = new(store.Layout.StageFingerprints);

    private string Dir => store.Layout.CacheRecords;

    private string FileOf(CacheKey key) => Path.Join(Dir, key.Digest.Hex + ".json");

    public async ValueTask<CacheRecord?> QueryAsync(CacheKey key, CancellationToken cancellationToken)
    {
        var file = FileOf(key);
        try
        {
            return File.Exists(file) ? StepCacheRecord.Parse(key, await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask<StepState?> LoadAsync(CacheRecord record, CancellationToken cancellationToken)
    {
        var own = record as StepCacheRecord ?? throw new ArgumentException("not a step cache record", nameof(record));
        var state = await own.LoadAsync(store, store.Blobs.Exists, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return null;
        }

        // A prune may have removed the record's blobs between the load and the lease: then it is a miss.
        lease?.Add(StepCacheRecord.Protected(state));
        if (!state.Layers.All(l => store.Blobs.Exists(l.Blob.Digest)))
        {
            return null;
        }

        // The record's mtime is its last use: prune --keep-storage and until= remove the least recently used first.
        try
        {
            File.SetLastWriteTimeUtc(FileOf(own.Key), store.Time.GetUtcNow().UtcDateTime);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A record pruned meanwhile is still this build's hit: the lease now holds its blobs.
        }

        return state;
    }

    /// <summary>Stores a step's result; its layers and its config blob join the lease before the record is visible,
    /// so a concurrent prune cannot leave the record naming a missing blob.</summary>
    public async ValueTask SaveAsync(CacheKey key, StepState result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        lease?.Add(StepCacheRecord.Protected(result));
        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig, OciJson.Serialize(result.Config), lease, cancellationToken).ConfigureAwait(false);
        var record = StepCacheRecord.Of(key, config.Digest, result);
        Directory.CreateDirectory(Dir);
        DurableFile.ReplaceAtomically(FileOf(key), record.Json.ToArray());
    }

    public async ValueTask<IReadOnlyList<CacheRecord>> RecordsAsync(CancellationToken cancellationToken)
    {
        var records = new List<CacheRecord>();
        if (!Directory.Exists(Dir))
        {
            return records;
        }

        foreach (var file in Directory.EnumerateFiles(Dir, "*.json"))
        {
            if (Digest.TryParse("sha256:" + Path.GetFileNameWithoutExtension(file), out var digest)
                && await QueryAsync(new CacheKey(digest), cancellationToken).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    public ValueTask<int> PruneAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var removed = 0;
        foreach (var key in keys.Distinct())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = FileOf(key);
            if (File.Exists(file))
            {
                File.Delete(file);
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }

    public IReadOnlyDictionary<string, string>? StageFiles(string id) => _memos.Load(id);

    /// <summary>Remembers what a copy read from a stage, for the next build (<see cref="StageFingerprints"/>).</summary>
    public void RememberStageFiles(string id, IReadOnlyDictionary<string, string> files) => _memos.Save(id, files);
}

/// <summary>Memos of what <c>COPY --from=&lt;stage&gt;</c> read from a stage, by memo id (<see cref="StageFingerprints"/>):
/// the store's own, or those an imported cache carries.</summary>
public interface IStageFileMemos
{
    IReadOnlyDictionary<string, string>? StageFiles(string id);
}
