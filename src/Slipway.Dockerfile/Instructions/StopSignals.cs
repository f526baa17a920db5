using System.Globalization;

namespace Slipway.Dockerfile.Instructions;

/// <summary>The signals STOPSIGNAL accepts, as BuildKit checks them (moby/sys signal.ParseSignal, Linux table): a
/// non-zero number, or a name with or without <c>SIG</c> in any case, real-time ones as <c>RTMIN+n</c>/<c>RTMAX-n</c>.
/// The config keeps the value as written.</summary>
public static class StopSignals
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
        "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
        "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
        "RTMIN+1", "RTMIN+2", "RTMIN+3", "RTMIN+4", "RTMIN+5", "RTMIN+6", "RTMIN+7", "RTMIN+8", "RTMIN+9", "RTMIN+10",
        "RTMIN+11", "RTMIN+12", "RTMIN+13", "RTMIN+14", "RTMIN+15",
        "RTMAX-14", "RTMAX-13", "RTMAX-12", "RTMAX-11", "RTMAX-10", "RTMAX-9", "RTMAX-8", "RTMAX-7", "RTMAX-6",
        "RTMAX-5", "RTMAX-4", "RTMAX-3", "RTMAX-2", "RTMAX-1",
    };

    /// <summary>Null when <paramref name="signal"/> is one, else BuildKit's error.</summary>
    public static string? Check(string signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        // Go's strconv.Atoi: an optional sign and decimal digits; any non-zero number passes, as in BuildKit.
        if (long.TryParse(signal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number == 0 ? $"invalid signal: {signal}" : null;
        }

        var name = signal.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        return Names.Contains(name) ? null : $"invalid signal: {signal}";
    }
}
