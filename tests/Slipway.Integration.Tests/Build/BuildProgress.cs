using System.Text.RegularExpressions;

namespace Slipway.Integration.Tests.Build;

/// <summary>The steps of a plain progress log (<c>#N [stage i/n] INSTR</c>) and how each ended: CACHED, DONE,
/// ERROR or CANCELED.</summary>
internal static partial class BuildProgress
{
    public static Dictionary<string, string> Steps(string log) =>
        ByStep(log, rest => EndLine().Match(rest) is { Success: true } end ? end.Groups[1].Value : null);

    /// <summary>The <c>#N cache miss: WHY</c> lines of a plain log, by step name.</summary>
    public static Dictionary<string, string> Misses(string log) =>
        ByStep(log, rest => rest.StartsWith("cache miss: ", StringComparison.Ordinal) ? rest["cache miss: ".Length..] : null);

    /// <summary>What <paramref name="pick"/> takes from the lines after each step's header, by step name.</summary>
    private static Dictionary<string, string> ByStep(string log, Func<string, string?> pick)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var picked = new Dictionary<string, string>(StringComparer.Ordinal);
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
            else if (pick(rest) is { } value && names.TryGetValue(number, out var name))
            {
                picked[name] = value;
            }
        }

        return picked;
    }

    [GeneratedRegex(@"^#(\d+) (.*)$")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^(CACHED|DONE|ERROR|CANCELED)\b")]
    private static partial Regex EndLine();
}
