using Slipway.Dockerfile.Lint;

namespace Slipway.Build.Context;

/// <summary>Reads what the build checks need from a context directory: whether it has an ignore file, the names at
/// its top, and which paths the ignore file excludes. The frontend asks; this answers.</summary>
public static class ContextFacts
{
    /// <summary>The facts for <paramref name="contextDir"/>, with its ignore file as the build already read it.</summary>
    public static LintFacts Read(string contextDir, DockerIgnore ignore, IReadOnlyDictionary<string, string> buildArgs, string? target)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        ArgumentNullException.ThrowIfNull(ignore);
        ArgumentNullException.ThrowIfNull(buildArgs);
        var facts = new LintFacts { BuildArgs = buildArgs, Target = target };
        if (!Directory.Exists(contextDir))
        {
            return facts;
        }

        var top = Directory.EnumerateFileSystemEntries(contextDir).Select(p => Path.GetFileName(p)!).ToHashSet(StringComparer.Ordinal);
        return facts with
        {
            HasDockerignore = ignore.File is not null,
            ContextTopLevel = top,
            // A malformed ignore file fails the build itself; the checks just do without it.
            IsIgnored = ignore.Matcher is not { Patterns.Count: > 0 } matcher ? null : matcher.MatchesOrParentMatches,
        };
    }
}
