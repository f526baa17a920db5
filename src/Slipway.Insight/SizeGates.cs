using System.Globalization;

namespace Slipway.Insight;

/// <summary>CI limits on a <see cref="SizeReport"/>: the image's size (compressed, as <c>slipway images</c> shows
/// it), the bytes wasted, and the efficiency. A null limit is not checked.</summary>
public sealed record SizeGates
{
    public long? MaxSize { get; init; }

    public long? MaxWasted { get; init; }

    public double? MinEfficiency { get; init; }

    /// <summary>One line per limit the report crosses; empty when it passes.</summary>
    public IReadOnlyList<string> Check(SizeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var failures = new List<string>();
        if (MaxSize is { } max && report.CompressedSize > max)
        {
            failures.Add($"--max-size: the image is {Store.ByteSize.Format(report.CompressedSize)} ({report.CompressedSize} bytes), over the limit of {Store.ByteSize.Format(max)}");
        }

        if (MaxWasted is { } wasted && report.WastedBytes > wasted)
        {
            failures.Add($"--max-wasted: {Store.ByteSize.Format(report.WastedBytes)} ({report.WastedBytes} bytes) wasted, over the limit of {Store.ByteSize.Format(wasted)}");
        }

        if (MinEfficiency is { } min && report.Efficiency < min)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"--min-efficiency: efficiency {report.Efficiency:0.0000} is below {min:0.0###}"));
        }

        return failures;
    }
}

/// <summary>Sizes as people write them: <c>100MB</c>, <c>1.5GiB</c>, <c>500k</c>, <c>123</c> (bytes). Decimal
/// units are powers of 1000, binary ones (KiB, MiB …) of 1024, as docker's go-units reads them.</summary>
public static class SizeLimit
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !double.TryParse(s[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = s[end..].Trim().ToUpperInvariant();
        double? factor = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1e3,
            "M" or "MB" => 1e6,
            "G" or "GB" => 1e9,
            "T" or "TB" => 1e12,
            "KI" or "KIB" => 1L << 10,
            "MI" or "MIB" => 1L << 20,
            "GI" or "GIB" => 1L << 30,
            "TI" or "TIB" => 1L << 40,
            _ => null,
        };
        if (factor is null || number * factor.Value > long.MaxValue)
        {
            return false;
        }

        bytes = (long)Math.Round(number * factor.Value);
        return true;
    }
}
