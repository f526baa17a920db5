using System.Text.RegularExpressions;

namespace Slipway.Integration.Tests.Build;

/// <summary>The steps of a plain progress log (<c>#N [stage i/n] INSTR</c>) and how each ended: CACHED, DONE,
/// ERROR or CANCELED.</summary>
internal static partial class BuildProgress
{
    public static Dictionary<string, string> Steps(string log)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var ends = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in log.Split('\n'))
        {
            var match = StepLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var (number, rest) = (match.Groups[1].Value, match.Groups[2].Value);
            if (rest.StartsWith('['))
            {
                names.TryAdd(number, rest);
            }
            else if (EndLine().Match(rest) is { Success: true } end && names.TryGetValue(number, out var name))
            {
                ends[name] = end.Groups[1].Value;
            }
        }

        return ends;
    }

    /// <summary>The <c>#N cache miss: WHY</c> lines of a plain log, by step name.</summary>
    public static Dictionary<string, string> Misses(string log)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var misses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in log.Split('\n'))
        {
            var match = StepLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var (number, rest) = (match.Groups[1].Value, match.Groups[2].Value);
            if (rest.StartsWith('['))
            {
                names.TryAdd(number, rest);
            }
            else if (rest.StartsWith("cache miss: ", StringComparison.Ordinal) && names.TryGetValue(number, out var name))
            {
                misses[name] = rest["cache miss: ".Length..];
            }
        }

        return misses;
    }

    [GeneratedRegex(@"^#(\d+) (.*)$")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^(CACHED|DONE|ERROR|CANCELED)\b")]
    private static partial Regex EndLine();
}
