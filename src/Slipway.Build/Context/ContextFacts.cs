using Slipway.Dockerfile.Lint;

namespace Slipway.Build.Context;

/// <summary>Reads what the build checks need from a context directory: whether it has an ignore file, the names at
/// its top, and which paths the ignore file excludes. The frontend asks; this answers.</summary>
public static class ContextFacts
{
    public static LintFacts Read(string contextDir, string? dockerfilePath, IReadOnlyDictionary<string, string> buildArgs, string? target)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        ArgumentNullException.ThrowIfNull(buildArgs);
        var facts = new LintFacts { BuildArgs = buildArgs, Target = target };
        if (!Directory.Exists(contextDir))
        {
            return facts;
        }

        var top = Directory.EnumerateFileSystemEntries(contextDir).Select(p => Path.GetFileName(p)!).ToHashSet(StringComparer.Ordinal);
        var matcher = ContextIgnore.Load(contextDir, dockerfilePath, out _);
        return facts with
        {
            HasDockerignore = ContextIgnore.Locate(contextDir, dockerfilePath) is not null,
            ContextTopLevel = top,
            // A malformed ignore file fails the build itself; the checks just do without it.
            IsIgnored = matcher is null || matcher.Patterns.Count == 0 ? null : matcher.MatchesOrParentMatches,
        };
    }
}
