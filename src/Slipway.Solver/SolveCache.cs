namespace Slipway.Solver;

/// <summary>Where the solver looks for results and remembers builds: the store's own index first (results that ran
/// are saved into it), then imported indexes in order, and the history that explains a miss.</summary>
public sealed class SolveCache<TResult>
    where TResult : class
{
    public required ICacheIndex<TResult> Local { get; init; }

    /// <summary>Consulted, in order, for a key <see cref="Local"/> misses; never written by the solver.</summary>
    public IReadOnlyList<ICacheIndex<TResult>> Imported { get; init; } = [];

    public ICacheHistory? History { get; init; }
}
