namespace Slipway.Solver;

/// <summary>A cached result as an index holds it, before it is loaded. Indexes derive their own records from it
/// (with whatever they need to load one) and load only their own.</summary>
public abstract record CacheRecord(CacheKey Key);

/// <summary>Results by cache key, as BuildKit's cache storage: the store's own cache, a cache imported from a
/// registry or a directory, or an in-memory one in tests. Every implementation passes one contract suite. A record
/// that cannot be used (malformed, or its content gone) is a miss, never an error.</summary>
public interface ICacheIndex<TResult>
    where TResult : class
{
    /// <summary>The record stored under <paramref name="key"/>, or null.</summary>
    ValueTask<CacheRecord?> QueryAsync(CacheKey key, CancellationToken cancellationToken);

    /// <summary>The result a record of this index describes, or null when its content is no longer there.</summary>
    ValueTask<TResult?> LoadAsync(CacheRecord record, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="result"/> under <paramref name="key"/>, replacing what was there; a reader
    /// sees the old record or the new one, never a mix.</summary>
    ValueTask SaveAsync(CacheKey key, TResult result, CancellationToken cancellationToken);

    /// <summary>Every record, in no particular order.</summary>
    ValueTask<IReadOnlyList<CacheRecord>> RecordsAsync(CancellationToken cancellationToken);

    /// <summary>Removes the records of <paramref name="keys"/> (not the content they refer to); returns how many
    /// were there.</summary>
    ValueTask<int> PruneAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken);
}
