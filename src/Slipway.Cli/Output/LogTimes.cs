using System.Globalization;
using Slipway.Dockerfile.Instructions;

namespace Slipway.Cli.Output;

/// <summary><c>logs --since/--until</c> as the docker client reads them (moby client/internal/timestamp
/// <c>GetTimestamp</c>): a Go duration is that long before now (in whole seconds); else an RFC 3339 time or date —
/// with a zone when it has <c>Z</c>, <c>+</c> or three dashes, else in the local zone; else a Unix timestamp
/// <c>SECONDS[.NANOS]</c>.</summary>
internal static class LogTimes
{
    public static DateTimeOffset Parse(string flag, string value, DateTimeOffset now, TimeZoneInfo local)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(local);
        if (value != "0" && GoDuration.TryParse(value, out var duration, out _))
        {
            return DateTimeOffset.FromUnixTimeSeconds((now - duration).ToUnixTimeSeconds());
        }

        var inLocation = value.IndexOfAny(['z', 'Z', '+']) < 0 && value.Count(c => c == '-') != 3;
        var text = TrimFraction(value);
        string[] formats = text.Contains('.', StringComparison.Ordinal)
            ? ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"]
            : text.Contains('T', StringComparison.Ordinal)
                ? ["yyyy-MM-dd'T'HHK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK"]
                : ["yyyy-MM-ddK"];
        if (inLocation
                ? DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var localTime)
                : DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out localTime))
        {
            return inLocation
                ? new DateTimeOffset(DateTime.SpecifyKind(localTime, DateTimeKind.Unspecified), local.GetUtcOffset(localTime))
                : new DateTimeOffset(DateTime.SpecifyKind(localTime, DateTimeKind.Utc));
        }

        if (value.Contains('-', StringComparison.Ordinal))
        {
            throw new Slipway.Build.Containers.ContainerException($"invalid value for \"{flag}\": parsing time \"{value}\": not an RFC 3339 time or date");
        }

        var (seconds, nanos) = value.Split('.', 2) is [var s, var n] ? (s, n) : (value, "");
        if (!long.TryParse(seconds, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unix) ||
            (nanos.Length > 0 && !long.TryParse(nanos, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new Slipway.Build.Containers.ContainerException($"invalid value for \"{flag}\": failed to parse value as time or duration: \"{value}\"");
        }

        var fraction = nanos.Length == 0 ? 0 : long.Parse(nanos.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeSeconds(unix).AddTicks(fraction / 100);
    }

    /// <summary>.NET parses at most seven fraction digits; Go's nine become seven (100 ns ticks).</summary>
    private static string TrimFraction(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return value;
        }

        var end = dot + 1;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
        {
            end++;
        }

        return end - dot - 1 > 7 ? string.Concat(value.AsSpan(0, dot + 8), value.AsSpan(end)) : value;
    }
}
