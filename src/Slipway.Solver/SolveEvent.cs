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

/// <summary>What the solver reports while it works; progress rendering turns these into <c>#N …</c> lines.</summary>
public sealed record SolveEvent(int Number, Vertex Vertex, VertexState State, Digest? CacheKey, TimeSpan Elapsed, string? Error = null);
