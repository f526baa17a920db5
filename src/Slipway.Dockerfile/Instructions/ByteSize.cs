using System.Globalization;

namespace Slipway.Dockerfile.Instructions;

/// <summary>Sizes such as <c>64m</c> or <c>1GiB</c> (docker/go-units RAMInBytes: binary multiples).</summary>
internal static class ByteSize
{
    public static bool TryParseRam(string s, out long bytes)
    {
        bytes = 0;
        var t = s.Trim();
        var end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !double.TryParse(t[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = t[end..].Trim().ToLowerInvariant();
        long multiplier = unit switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1L << 10,
            "m" or "mb" or "mib" => 1L << 20,
            "g" or "gb" or "gib" => 1L << 30,
            "t" or "tb" or "tib" => 1L << 40,
            "p" or "pb" or "pib" => 1L << 50,
            _ => 0,
        };
        if (multiplier == 0 || number * multiplier > long.MaxValue)
        {
            return false;
        }

        bytes = (long)(number * multiplier);
        return true;
    }
}
