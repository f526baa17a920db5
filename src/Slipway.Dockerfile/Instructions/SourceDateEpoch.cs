using System.Globalization;

namespace Slipway.Dockerfile.Instructions;

/// <summary>SOURCE_DATE_EPOCH as BuildKit's Dockerfile frontend reads it: the build argument (buildx passes the
/// environment variable as one when no <c>--build-arg</c> sets it), else a global ARG's non-empty value
/// (<c>ARG SOURCE_DATE_EPOCH=1700000000</c> before the first FROM). Seconds since 1970 set the epoch: the time in
/// the config and the history, and the cap on every layer file's mtime. Empty sets none; <c>context</c> sets none for
/// a local directory (BuildKit takes a git context's commit time, and Slipway's contexts are directories).</summary>
public static class SourceDateEpoch
{
    public const string Name = "SOURCE_DATE_EPOCH";

    /// <summary>The epoch, null when none is set, or null with BuildKit's error in <paramref name="error"/>.</summary>
    public static DateTimeOffset? Resolve(StageGraph graph, IReadOnlyDictionary<string, string> buildArgs, out string? error)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(buildArgs);
        error = null;
        var value = buildArgs.TryGetValue(Name, out var given) ? given
            : graph.GlobalArgs.LastOrDefault(a => a.Definition.Name == Name && !string.IsNullOrEmpty(a.Value))?.Value;
        if (string.IsNullOrEmpty(value) || value == "context")
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        // BuildKit also takes a stage that ADDs one remote file or git repository and uses its time; not this one.
        error = graph.Find(value) is not null
            ? $"SOURCE_DATE_EPOCH={value}: taking the epoch from a stage is not supported"
            : $"invalid SOURCE_DATE_EPOCH: {value}";
        return null;
    }
}
