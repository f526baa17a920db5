namespace Slipway.Solver;

/// <summary>One build of an op, as remembered for explaining its next miss: its key, its inputs' keys (their
/// own, whatever the op's <see cref="InputKeying"/>), and what its content digest was made of.</summary>
public sealed record HistoryRecord(CacheKey Key, IReadOnlyList<CacheKey> Parents, CacheFacts Facts);

/// <summary>What each op was built from the last time, and what changed since: the solver asks it on a miss and
/// records every solved op (ran or cached) in it. Remembering is best effort: a history that cannot be read is no
/// history, one that cannot be written costs explanations, never the build.</summary>
public interface ICacheHistory
{
    /// <summary>The last build of the op remembered as <paramref name="history"/> (<see cref="CacheMap.History"/>).</summary>
    ValueTask<HistoryRecord?> LastAsync(string history, CancellationToken cancellationToken);

    /// <summary>Remembers this build of <paramref name="vertex"/> (named in a warning when it cannot be written).</summary>
    ValueTask RecordAsync(Vertex vertex, string history, HistoryRecord entry, CancellationToken cancellationToken);

    /// <summary>What changed between two builds' facts, in words, most telling first; empty when nothing did.
    /// <paramref name="parentChanged"/>: an input's key changed too, so changes that follow from it (the files of
    /// another stage) are left for "parent step changed" to name.</summary>
    IReadOnlyList<string> Changes(CacheFacts before, CacheFacts now, bool parentChanged);
}
