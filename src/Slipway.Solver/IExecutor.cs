using Slipway.Oci;

namespace Slipway.Solver;

/// <summary>The seam between the solver and the engine: turns a vertex plus its inputs' results into a result.</summary>
/// <typeparam name="TResult">What a vertex produces (for the build engine: a snapshot and an image config).</typeparam>
public interface IExecutor<TResult>
    where TResult : class
{
    /// <summary>The digest of the content the vertex reads from outside the graph (context files for COPY), or
    /// null when it reads none. Called before the cache is consulted.</summary>
    ValueTask<Digest?> ContentDigestAsync(Vertex vertex, IReadOnlyList<TResult> inputs, CancellationToken cancellationToken);

    /// <summary>A result stored earlier under this key, or null on a miss. The inputs are this build's: whatever a
    /// result carries that the key does not cover (build-time state such as ARG values) is derived from them, not
    /// taken from the stored record.</summary>
    ValueTask<TResult?> LoadCachedAsync(Vertex vertex, IReadOnlyList<TResult> inputs, Digest cacheKey, CancellationToken cancellationToken);

    /// <summary>Why the vertex missed the cache (what changed since the last build of it), or null when the
    /// executor cannot tell. Called on every miss, before <see cref="ExecuteAsync"/>.</summary>
    ValueTask<string?> ExplainMissAsync(Vertex vertex, Digest cacheKey, CancellationToken cancellationToken);

    /// <summary>Does the work; the engine stores the result under <paramref name="cacheKey"/> when it wants it cached.</summary>
    ValueTask<TResult> ExecuteAsync(Vertex vertex, IReadOnlyList<TResult> inputs, Digest cacheKey, CancellationToken cancellationToken);
}
