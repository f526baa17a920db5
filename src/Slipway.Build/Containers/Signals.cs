using System.Globalization;

namespace Slipway.Build.Containers;

/// <summary>Linux signal names and numbers as docker takes them in <c>--signal</c> and STOPSIGNAL: <c>SIGTERM</c>,
/// <c>TERM</c> or <c>15</c>.</summary>
public static class Signals
{
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7, ["FPE"] = 8,
        ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14, ["TERM"] = 15, ["STKFLT"] = 16,
        ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21, ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24,
        ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28, ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    public const int Term = 15;

    public const int Kill = 9;

    /// <summary>The signal's number; docker's <c>Invalid signal: X</c> for one it does not know.</summary>
    public static int Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number is > 0 and < 65 ? number : throw new ContainerException($"Invalid signal: {value}");
        }

        var name = value.ToUpperInvariant();
        name = name.StartsWith("SIG", StringComparison.Ordinal) ? name[3..] : name;
        return Numbers.TryGetValue(name, out var known) ? known : throw new ContainerException($"Invalid signal: {value}");
    }
}
