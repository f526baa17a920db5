using System.Globalization;

namespace Slipway.Dockerfile.Instructions;

/// <summary>Go's time.ParseDuration (<c>1h30m</c>, <c>1.5s</c>, <c>300ms</c>, <c>-2us</c>), with Go's messages.</summary>
public static class GoDuration
{
    public static bool TryParse(string s, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var quoted = "\"" + s + "\"";
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '-' or '+')
        {
            negative = s[i] == '-';
            i++;
        }

        if (s[i..] == "0")
        {
            return true;
        }

        if (i == s.Length)
        {
            error = "time: invalid duration " + quoted;
            return false;
        }

        decimal totalNs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var number = s[start..i];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1 ||
                !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                error = "time: invalid duration " + quoted;
                return false;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            var unit = s[unitStart..i];
            if (unit.Length == 0)
            {
                error = "time: missing unit in duration " + quoted;
                return false;
            }

            decimal? ns = unit switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (ns is null)
            {
                error = $"time: unknown unit \"{unit}\" in duration {quoted}";
                return false;
            }

            // Go refuses anything beyond int64 nanoseconds; checking first also keeps decimal from overflowing.
            if (n > long.MaxValue / ns.Value)
            {
                error = "time: invalid duration " + quoted;
                return false;
            }

            totalNs += n * ns.Value;
            if (totalNs > long.MaxValue)
            {
                error = "time: invalid duration " + quoted;
                return false;
            }
        }

        var ticks = (long)(totalNs / 100m);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }
}
