using System.Text.RegularExpressions;

namespace Slipway.Architecture.Tests;

/// <summary>What a file names of Slipway: its <c>using Slipway.…</c> directives (plain, static and aliases) and
/// the fully qualified <c>Slipway.X.Y.Type</c> mentions in its code, each resolved to the longest known
/// namespace it starts with.</summary>
public static partial class Dependencies
{
    /// <summary>The namespaces <paramref name="file"/> refers to, other than its own, among <paramref name="known"/>.</summary>
    public static IReadOnlySet<string> NamespacesOf(SourceFile file, IReadOnlySet<string> known)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(known);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Mention().Matches(WithoutDeclarations().Replace(file.Code, "")))
        {
            if (Longest(m.Value, known) is { } ns)
            {
                found.Add(ns);
            }
        }

        foreach (Match m in UsingDirective().Matches(file.Code))
        {
            if (Longest(m.Groups[1].Value, known) is { } ns)
            {
                found.Add(ns);
            }
        }

        found.Remove(file.Namespace);
        return found;
    }

    /// <summary>The projects <paramref name="file"/> names: every <c>Slipway.X</c> at the start of a dotted name.</summary>
    public static IReadOnlySet<string> ProjectsOf(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Mention().Matches(file.Code).Select(m => string.Join('.', m.Value.Split('.').Take(2))).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The longest of <paramref name="known"/> that <paramref name="dotted"/> is or starts with.</summary>
    private static string? Longest(string dotted, IReadOnlySet<string> known)
    {
        for (var name = dotted; name.Length > 0; name = name.LastIndexOf('.') is var dot and > 0 ? name[..dot] : "")
        {
            if (known.Contains(name))
            {
                return name;
            }
        }

        return null;
    }

    [GeneratedRegex(@"(?<![\w.])Slipway(\.[A-Za-z_]\w*)+")]
    private static partial Regex Mention();

    /// <summary>The file's own namespace line and its using lines: read by <see cref="UsingDirective"/>, not as mentions.</summary>
    [GeneratedRegex(@"^\s*(namespace|using)\s[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex WithoutDeclarations();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(Slipway(?:\.\w+)+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();
}
