using System.Globalization;

namespace Slipway.Store;

/// <summary>Sizes as docker buildx's <c>--keep-storage</c> reads them (go-units <c>RAMInBytes</c>): a number,
/// optionally fractional, then an optional unit, case-insensitive. Every unit is binary as in docker: 1KB = 1KiB =
/// 1024 bytes, 10GB = 10 × 2³⁰. A bare number is bytes.</summary>
public static class ByteSize
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    /// <summary>As the docker CLI prints sizes (go-units <c>HumanSizeWithPrecision(size, 3)</c>): three significant
    /// digits and a decimal unit, 5.6kB, 12.3MB, 838MB.</summary>
    public static string Format(double bytes) => Format(bytes, 3);

    /// <summary>go-units <c>HumanSizeWithPrecision(size, precision)</c>; docker's <c>units.HumanSize</c> (its prune
    /// totals) is precision 4: 1.234MB.</summary>
    public static string Format(double bytes, int precision)
    {
        var i = 0;
        while (bytes >= 1000 && i < DecimalUnits.Length - 1)
        {
            bytes /= 1000;
            i++;
        }

        // Go's %.3g rounds 999.6 up to "1e+03", where .NET writes "1E+03".
        return bytes.ToString("G" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            .Replace("E+0", "e+0", StringComparison.Ordinal) + DecimalUnits[i];
    }

    public static bool TryParse(string? text, out long bytes, out string? error)
    {
        bytes = 0;
        error = null;
        var s = text?.Trim() ?? "";
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !decimal.TryParse(s.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"invalid size \"{text}\" (expected a number and a unit, like 10GB, 512MB or 1.5GiB)";
            return false;
        }

        decimal? multiplier = s[end..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1m,
            "K" or "KB" or "KIB" => 1024m,
            "M" or "MB" or "MIB" => 1024m * 1024,
            "G" or "GB" or "GIB" => 1024m * 1024 * 1024,
            "T" or "TB" or "TIB" => 1024m * 1024 * 1024 * 1024,
            "P" or "PB" or "PIB" => 1024m * 1024 * 1024 * 1024 * 1024,
            _ => null,
        };
        if (multiplier is not { } m)
        {
            error = $"invalid size \"{text}\": unknown unit \"{s[end..].Trim()}\" (B, KB, MB, GB, TB, PB, or KiB … PiB)";
            return false;
        }

        // Compared before multiplying: 99999999999999999999GB would overflow the decimal itself.
        if (number > long.MaxValue / m)
        {
            error = $"invalid size \"{text}\": too large";
            return false;
        }

        bytes = (long)decimal.Floor(number * m);
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes, out var error) ? bytes : throw new FormatException(error);
}
