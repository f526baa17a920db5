using System.Globalization;

namespace Slipway.Build.Containers.Health;

/// <summary>Go's <c>time.Duration.String</c> (<c>30s</c>, <c>1m30s</c>, <c>1h0m0s</c>, <c>1.5s</c>, <c>500ms</c>):
/// how docker prints a duration inside a message such as <c>Health check exceeded timeout (30s)</c>.</summary>
public static class GoDurationText
{
    public static string Format(TimeSpan duration)
    {
        var ns = duration.Ticks * TimeSpan.NanosecondsPerTick;
        if (ns == 0)
        {
            return "0s";
        }

        var sign = ns < 0 ? "-" : "";
        var u = (ulong)Math.Abs(ns);
        if (u < 1_000_000_000)
        {
            return u switch
            {
                < 1_000 => sign + u.ToString(CultureInfo.InvariantCulture) + "ns",
                < 1_000_000 => sign + Fraction(u, 1_000) + "µs",
                _ => sign + Fraction(u, 1_000_000) + "ms",
            };
        }

        var hours = u / 3_600_000_000_000;
        var minutes = u / 60_000_000_000 % 60;
        var seconds = Fraction(u % 60_000_000_000, 1_000_000_000) + "s";
        if (hours > 0)
        {
            return sign + hours.ToString(CultureInfo.InvariantCulture) + "h" + minutes.ToString(CultureInfo.InvariantCulture) + "m" + seconds;
        }

        return minutes > 0 ? sign + minutes.ToString(CultureInfo.InvariantCulture) + "m" + seconds : sign + seconds;
    }

    /// <summary><paramref name="value"/> / <paramref name="unit"/> with the fraction's trailing zeros dropped.</summary>
    private static string Fraction(ulong value, ulong unit)
    {
        var whole = (value / unit).ToString(CultureInfo.InvariantCulture);
        var rest = value % unit;
        if (rest == 0)
        {
            return whole;
        }

        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}
