namespace Slipway.Solver;

/// <summary>The cache decision: hit or miss, and why.</summary>
public sealed partial class Scheduler<TResult>
{
    /// <summary>The first index that holds a usable record of <paramref name="key"/> answers: the store's own, then
    /// the imported ones in order. A record whose content is gone is a miss in that index, not in the next.</summary>
    private async Task<TResult?> LoadAsync(IOp<TResult> op, CacheKey key, IReadOnlyList<TResult> inputs, CancellationToken cancellationToken)
    {
        foreach (var index in (IEnumerable<ICacheIndex<TResult>>)[_cache.Local, .. _cache.Imported])
        {
            if (await index.QueryAsync(key, cancellationToken).ConfigureAwait(false) is { } record
                && await index.LoadAsync(record, cancellationToken).ConfigureAwait(false) is { } cached)
            {
                return op.Revive(cached, inputs);
            }
        }

        return null;
    }

    /// <summary>Why the vertex missed: forced to run, or what changed since its last build. Null when there is no
    /// history to tell.</summary>
    private async Task<MissReason?> ExplainAsync(Vertex vertex, CacheMap map, CacheKey key, Solved<TResult>[] inputs,
        CancellationToken cancellationToken)
    {
        if (vertex.IgnoreCache is { } because)
        {
            // Forced to run: what changed since the last build does not matter, so the history is not read.
            return new MissReason.NotCacheable(because);
        }

        if (_cache.History is not { } history || map.History is null || map.Facts is null)
        {
            return null;
        }

        var previous = await history.LastAsync(map.History, cancellationToken).ConfigureAwait(false);
        if (previous is null)
        {
            return new MissReason.NoPreviousBuild();
        }

        var changed = Enumerable.Range(0, inputs.Length)
            .FirstOrDefault(i => i >= previous.Parents.Count || previous.Parents[i] != inputs[i].CacheKey, -1);
        var changes = history.Changes(previous.Facts, map.Facts, parentChanged: changed >= 0);
        if (changes.Count > 0)
        {
            return new MissReason.InputsChanged(changes);
        }

        if (changed >= 0)
        {
            return new MissReason.ParentChanged(inputs[changed].MissOrigin ?? vertex.Inputs[changed].Name);
        }

        return previous.Key == key ? new MissReason.Evicted() : new MissReason.RecipeChanged();
    }

    /// <summary>Where a miss began, for "parent step changed" below it: the input it came from, or this vertex.</summary>
    private static string? Origin(Vertex vertex, MissReason? miss) => miss switch
    {
        null => null,
        MissReason.ParentChanged parent => parent.Origin,
        _ => $"{vertex.Name} ({miss.Text})",
    };

    private async Task RememberAsync(Vertex vertex, CacheMap map, CacheKey key, IReadOnlyList<CacheKey> inputKeys, CancellationToken cancellationToken)
    {
        if (_cache.History is { } history && map.History is { } name && map.Facts is { } facts)
        {
            await history.RecordAsync(vertex, name, new HistoryRecord(key, inputKeys, facts), cancellationToken).ConfigureAwait(false);
        }
    }
}
