using System.Globalization;

namespace Slipway.Cli.Output;

/// <summary>Sizes and ages written the way the docker CLI writes them (go-units).</summary>
internal static class Units
{
    /// <summary><c>HumanSizeWithPrecision(size, 3)</c>: 5.6kB, 12.3MB, 838MB.</summary>
    public static string HumanSize(double size) => Store.ByteSize.Format(size);

    /// <summary><c>units.HumanSize</c>, four significant digits: what docker's prune commands print as the total.</summary>
    public static string HumanSizePrecise(double size) => Store.ByteSize.Format(size, 4);

    /// <summary>Bytes as BuildKit's progress prints them (tonistiigi/units, <c>%.2f</c>): 123B, 1.23kB, 12.58MB.</summary>
    public static string ProgressBytes(long bytes)
    {
        if (bytes < 1000)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        }

        string[] units = ["kB", "MB", "GB", "TB", "PB", "EB"];
        var value = (double)bytes;
        var unit = -1;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString("0.00", CultureInfo.InvariantCulture) + units[unit];
    }

    /// <summary><c>HumanDuration</c>: "Less than a second", "About a minute", "3 weeks" …</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        var minutes = (long)d.TotalMinutes;
        var hours = (long)(d.TotalHours + 0.5); // Go's int(d.Hours() + 0.5), not banker's rounding
        return seconds switch
        {
            < 1 => "Less than a second",
            1 => "1 second",
            < 60 => $"{seconds} seconds",
            _ when minutes == 1 => "About a minute",
            _ when minutes < 60 => $"{minutes} minutes",
            _ when hours == 1 => "About an hour",
            _ when hours < 48 => $"{hours} hours",
            _ when hours < 24 * 7 * 2 => $"{hours / 24} days",
            _ when hours < 24 * 30 * 2 => $"{hours / 24 / 7} weeks",
            _ when hours < 24 * 365 * 2 => $"{hours / 24 / 30} months",
            _ => $"{(long)d.TotalHours / 24 / 365} years",
        };
    }

    public static string Ago(DateTimeOffset? created, DateTimeOffset now) =>
        created is null ? "N/A" : HumanDuration(now - created.Value) + " ago";
}
