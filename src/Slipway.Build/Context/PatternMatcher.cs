using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Build.Context;

/// <summary>One .dockerignore pattern, compiled the way moby's patternmatcher compiles it.</summary>
public sealed class IgnorePattern
{
    private enum Kind
    {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }

    private readonly Kind _kind;
    private readonly Regex? _regex;

    internal IgnorePattern(string cleaned, bool exclusion)
    {
        Text = cleaned;
        IsException = exclusion;
        Dirs = cleaned.Split('/');
        (_kind, _regex) = Compile(cleaned);
    }

    /// <summary>The cleaned pattern, without its leading <c>!</c>.</summary>
    public string Text { get; }

    /// <summary>A <c>!</c> pattern: it re-includes what earlier patterns excluded.</summary>
    public bool IsException { get; }

    internal string[] Dirs { get; }

    internal bool IsMalformed => _kind == Kind.Regex && _regex is null;

    public bool Matches(string path) => _kind switch
    {
        Kind.Exact => path == Text,
        Kind.Prefix => path.StartsWith(Text[..^2], StringComparison.Ordinal),
        Kind.Suffix => path.EndsWith(Text[2..], StringComparison.Ordinal)
            || (Text[2] == '/' && path == Text[3..]),
        _ => _regex!.IsMatch(path),
    };

    private static (Kind, Regex?) Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        var kind = Kind.Exact;
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            var first = i == 0;
            if (ch == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i++;
                    // "**/" is "**".
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                    }

                    if (i + 1 >= pattern.Length)
                    {
                        // A trailing ** accepts everything, as in .gitignore.
                        if (kind == Kind.Exact)
                        {
                            kind = Kind.Prefix;
                        }
                        else
                        {
                            regex.Append(".*");
                            kind = Kind.Regex;
                        }
                    }
                    else
                    {
                        regex.Append("(.*/)?");
                        kind = Kind.Regex;
                    }

                    if (first)
                    {
                        kind = Kind.Suffix;
                    }
                }
                else
                {
                    regex.Append("[^/]*");
                    kind = Kind.Regex;
                }
            }
            else if (ch == '?')
            {
                regex.Append("[^/]");
                kind = Kind.Regex;
            }
            else if (".+()|{}$".Contains(ch, StringComparison.Ordinal))
            {
                regex.Append('\\').Append(ch);
            }
            else if (ch == '\\')
            {
                if (i + 1 < pattern.Length)
                {
                    regex.Append('\\').Append(pattern[++i]);
                    kind = Kind.Regex;
                }
                else
                {
                    regex.Append(@"\\");
                }
            }
            else if (ch is '[' or ']')
            {
                regex.Append(ch);
                kind = Kind.Regex;
            }
            else
            {
                regex.Append(ch);
            }
        }

        if (kind != Kind.Regex)
        {
            return (kind, null);
        }

        regex.Append('$');
        try
        {
            return (kind, new Regex(regex.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }
        catch (ArgumentException)
        {
            return (kind, null);
        }
    }
}

/// <summary>The patterns of a .dockerignore, with moby's semantics: a path is excluded when it or one of its
/// parents matches, the last matching pattern wins, and a <c>!</c> pattern re-includes.</summary>
public sealed class PatternMatcher
{
    private PatternMatcher(IReadOnlyList<IgnorePattern> patterns)
    {
        Patterns = patterns;
        HasExceptions = patterns.Any(p => p.IsException);
    }

    public IReadOnlyList<IgnorePattern> Patterns { get; }

    public bool HasExceptions { get; }

    public static PatternMatcher Empty { get; } = new([]);

    /// <summary>Builds a matcher; a malformed pattern is an error value, as BuildKit fails the build on it.</summary>
    public static PatternMatcher? Create(IEnumerable<string> patterns, out string? error)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        error = null;
        var list = new List<IgnorePattern>();
        foreach (var raw in patterns)
        {
            var p = raw.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            p = GoPath.Clean(p);
            var exclusion = false;
            if (p[0] == '!')
            {
                if (p.Length == 1)
                {
                    error = "illegal exclusion pattern: \"!\"";
                    return null;
                }

                exclusion = true;
                p = p[1..];
            }

            GoPath.Match(p, ".", out var bad);
            var pattern = new IgnorePattern(p, exclusion);

            // Go finds some bad patterns only when its regexp fails to compile at the first match; we find
            // them here, so the build fails before anything is sent.
            if (bad || pattern.IsMalformed)
            {
                error = GoPath.BadPatternMessage;
                return null;
            }

            list.Add(pattern);
        }

        return new PatternMatcher(list);
    }

    /// <summary>moby's MatchesOrParentMatches: the path (slash-separated, relative to the context) or any of
    /// its parent directories matches, and no later exception un-matches it.</summary>
    public bool MatchesOrParentMatches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var matched = false;
        var parent = GoPath.Dir(path);
        var parentDirs = parent.Split('/');
        foreach (var pattern in Patterns)
        {
            if (pattern.IsException != matched)
            {
                continue;
            }

            var match = pattern.Matches(path);
            if (!match && parent != ".")
            {
                for (var i = 0; i < parentDirs.Length && !match; i++)
                {
                    match = pattern.Matches(string.Join('/', parentDirs, 0, i + 1));
                }
            }

            if (match)
            {
                matched = !pattern.IsException;
            }
        }

        return matched;
    }

    /// <summary>Whether a pattern matches the path itself (not a parent): the whole answer for a matcher without
    /// exceptions once the path's parents are known not to match.</summary>
    public bool MatchesSelf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var pattern in Patterns)
        {
            if (!pattern.IsException && pattern.Matches(path))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether some exception pattern could re-include a path below the directory <paramref name="dir"/>,
    /// so that an excluded directory must still be walked (fsutil's rule).</summary>
    public bool ExceptionMayMatchBelow(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var dirParts = dir.Split('/');
        foreach (var pattern in Patterns)
        {
            if (!pattern.IsException)
            {
                continue;
            }

            if (MayMatchBelow(pattern.Dirs, dirParts))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayMatchBelow(string[] patternDirs, string[] dirParts)
    {
        for (var i = 0; i < dirParts.Length; i++)
        {
            if (i >= patternDirs.Length)
            {
                return false;
            }

            if (patternDirs[i] == "**")
            {
                return true;
            }

            if (!GoPath.Match(patternDirs[i], dirParts[i], out _))
            {
                return false;
            }
        }

        return true;
    }
}
