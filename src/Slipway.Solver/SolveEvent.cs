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
/// <paramref name="Miss"/> is set on the <see cref="VertexState.Started"/> event of a vertex that missed the cache:
/// why (null when there is no history to tell).</summary>
public sealed record SolveEvent(int Number, Vertex Vertex, VertexState State, CacheKey? CacheKey, TimeSpan Elapsed, string? Error = null,
    MissReason? Miss = null)
{
    /// <summary><see cref="Miss"/> in words, in one line.</summary>
    public string? CacheMiss => Miss?.Text;
}
