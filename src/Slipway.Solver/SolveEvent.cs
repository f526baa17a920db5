using Slipway.Oci;

namespace Slipway.Solver;

public enum VertexState
{
    Started,
    Cached,
    Completed,
    Failed,
    Canceled,
}

/// <summary>What the solver reports while it works; progress rendering turns these into <c>#N …</c> lines.
/// <paramref name="CacheMiss"/> is set on the <see cref="VertexState.Started"/> event of a vertex that missed the
/// cache: what changed since its last build, in one line (null when the executor cannot tell).</summary>
public sealed record SolveEvent(int Number, Vertex Vertex, VertexState State, Digest? CacheKey, TimeSpan Elapsed, string? Error = null,
    string? CacheMiss = null);
