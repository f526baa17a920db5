namespace Slipway.Solver;

/// <summary>What a vertex does, as BuildKit's <c>Op</c>: say what it is cached by, and do the work. The solver
/// decides between the two: it computes the key, asks the cache indexes, and calls <see cref="ExecAsync"/> only on
/// a miss. An op keeps no state between calls; what a call needs arrives as its arguments.</summary>
/// <typeparam name="TResult">What a vertex produces (for the build engine: a snapshot and an image config).</typeparam>
public interface IOp<TResult>
    where TResult : class
{
    /// <summary>The op's cache map, from its inputs' results; called once, before the cache is consulted.</summary>
    ValueTask<CacheMap> CacheMapAsync(IReadOnlyList<TResult> inputs, CancellationToken cancellationToken);

    /// <summary>Does the work. <paramref name="cacheMap"/> is the one <see cref="CacheMapAsync"/> returned.</summary>
    ValueTask<TResult> ExecAsync(IReadOnlyList<TResult> inputs, CacheMap cacheMap, CancellationToken cancellationToken);

    /// <summary>A cached result brought to life in this build: whatever a result carries that its key does not
    /// cover (build-time state such as ARG values) is taken from this build's <paramref name="inputs"/>, never from
    /// the stored record.</summary>
    TResult Revive(TResult cached, IReadOnlyList<TResult> inputs);
}
