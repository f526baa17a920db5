using System.Globalization;

namespace Slipway.Build.Hygiene;

/// <summary>What <c>slipway prune</c> was asked to remove, in docker buildx prune's terms.</summary>
public sealed record PruneOptions
{
    /// <summary><c>--all</c>: every build cache entry (records and cache mounts), not just dangling data.</summary>
    public bool All { get; init; }

    /// <summary><c>--keep-storage</c>: remove build cache, least recently used first, until it takes at most this.</summary>
    public long? KeepStorage { get; init; }

    /// <summary><c>--filter until=</c>: only cache entries last used before this are removed.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Whether build cache entries are candidates at all; without any of these only dangling data goes.</summary>
    public bool TouchesBuildCache => All || KeepStorage is not null || Until is not null;
}

/// <summary>Parses <c>--filter</c> values as docker does for <c>until</c>: a Go duration (<c>24h</c>, <c>1h30m</c>,
/// <c>90m</c>) counted back from now, or a timestamp (RFC 3339, <c>2006-01-02</c>, or Unix seconds).</summary>
public static class PruneFilter
{
    public static bool TryParse(string filter, DateTimeOffset now, out DateTimeOffset until, out string? error)
    {
        ArgumentNullException.ThrowIfNull(filter);
        until = default;
        var eq = filter.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? filter : filter[..eq];
        if (eq < 0 || !string.Equals(key.Trim(), "until", StringComparison.OrdinalIgnoreCase))
        {
            error = $"invalid filter \"{filter}\" (supported: until=DURATION|TIMESTAMP)";
            return false;
        }

        var value = filter[(eq + 1)..].Trim();
        if (Dockerfile.Instructions.GoDuration.TryParse(value, out var duration, out _))
        {
            until = now - duration;
            error = null;
            return true;
        }

        if (TryParseTimestamp(value, out until))
        {
            error = null;
            return true;
        }

        error = $"invalid until=\"{value}\" (a duration such as 24h or 1h30m, or a timestamp such as 2006-01-02T15:04:05Z or Unix seconds)";
        return false;
    }

    private static bool TryParseTimestamp(string value, out DateTimeOffset when)
    {
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds < 1e11m)
        {
            when = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
            return true;
        }

        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"];
        return DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeLocal | DateTimeStyles.AllowWhiteSpaces, out when);
    }
}
