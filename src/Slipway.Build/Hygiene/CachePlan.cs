namespace Slipway.Build.Hygiene;

/// <summary>One removable piece of the build cache: a cache record or a cache mount, with the resources (blobs,
/// snapshots, directories) it keeps alive. Resources may be shared between entries.</summary>
public sealed record PrunableEntry(string Id, DateTimeOffset LastUsed, IReadOnlyList<string> Resources);

/// <summary>Chooses which cache entries a prune removes, as BuildKit does: the candidates (all entries, or those
/// last used before <c>until</c>) go least recently used first, and with a size limit only until what is left
/// takes at most that much. A resource is counted once however many entries share it, and is freed only when
/// the last entry using it goes. Pure, so the order is tested without a store.</summary>
public static class CachePlan
{
    /// <summary>The bytes the entries keep alive, each shared resource counted once. Resources without a size
    /// (ones an image needs) count nothing.</summary>
    public static long Total(IEnumerable<PrunableEntry> entries, IReadOnlyDictionary<string, long> sizes)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(sizes);
        return entries.SelectMany(e => e.Resources).Distinct(StringComparer.Ordinal).Sum(r => sizes.GetValueOrDefault(r));
    }

    public static IReadOnlyList<PrunableEntry> Select(IReadOnlyList<PrunableEntry> entries, IReadOnlyDictionary<string, long> sizes,
        long? keepBytes, DateTimeOffset? until)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(sizes);
        var candidates = entries.Where(e => until is null || e.LastUsed < until)
            .OrderBy(e => e.LastUsed).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        if (keepBytes is not { } keep)
        {
            return candidates;
        }

        var users = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var resource in entries.SelectMany(e => e.Resources.Distinct(StringComparer.Ordinal)))
        {
            users[resource] = users.GetValueOrDefault(resource) + 1;
        }

        var total = users.Keys.Sum(r => sizes.GetValueOrDefault(r));
        var chosen = new List<PrunableEntry>();
        foreach (var entry in candidates)
        {
            if (total <= keep)
            {
                break;
            }

            chosen.Add(entry);
            foreach (var resource in entry.Resources.Distinct(StringComparer.Ordinal))
            {
                if (--users[resource] == 0)
                {
                    total -= sizes.GetValueOrDefault(resource);
                }
            }
        }

        return chosen;
    }
}
