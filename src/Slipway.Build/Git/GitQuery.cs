using Slipway.Build.Engine;

namespace Slipway.Build.Git;

/// <summary>The query of a git source (<c>?ref=v1&amp;subdir=docs</c>), read as BuildKit's <c>GitRef.loadQuery</c>:
/// every key once, every key known, a value for every key but the boolean ones, and no two ways of naming the
/// ref that disagree. The messages are BuildKit's.</summary>
internal static class GitQuery
{
    public static GitRef Apply(GitRef parsed, string query)
    {
        var values = Parse(query);
        if (values.Count == 0)
        {
            return parsed;
        }

        string tag = "", branch = "";
        foreach (var (key, list) in values)
        {
            if (list.Count > 1)
            {
                throw new BuildException($"query {GitRef.Quote(key)} has multiple values");
            }

            var value = list[0];
            if (value.Length == 0 && key is not ("submodules" or "keep-git-dir" or "fetch-by-commit"))
            {
                throw new BuildException($"query {GitRef.Quote(key)} has no value");
            }

            switch (key)
            {
                case "ref":
                    parsed = parsed with { Ref = Agree("ref", parsed.Ref, value) };
                    break;
                case "tag":
                    tag = value;
                    break;
                case "branch":
                    branch = value;
                    break;
                case "subdir":
                    parsed = parsed with { SubDir = Agree("subdir", parsed.SubDir, value) };
                    break;
                case "checksum" or "commit":
                    parsed = parsed with { Checksum = value };
                    break;
                case "keep-git-dir":
                    parsed = parsed with { KeepGitDir = Bool(key, value) };
                    break;
                case "submodules":
                    parsed = parsed with { Submodules = Bool(key, value) };
                    break;
                case "fetch-by-commit":
                    parsed = parsed with { FetchByCommit = Bool(key, value) };
                    break;
                case "mtime":
                    parsed = value is "checkout" or "commit" ? parsed with { MTime = value }
                        : throw new BuildException($"invalid mtime value: {GitRef.Quote(value)} (must be \"checkout\" or \"commit\")");
                    break;
                default:
                    throw new BuildException($"unexpected query {GitRef.Quote(key)}");
            }
        }

        if (tag.Length > 0)
        {
            parsed = parsed with { Ref = Agree("ref", parsed.Ref, tag.StartsWith("refs/tags/", StringComparison.Ordinal) ? tag : "refs/tags/" + tag) };
        }

        if (branch.Length > 0)
        {
            if (tag.Length > 0)
            {
                throw new BuildException("branch conflicts with tag");
            }

            parsed = parsed with { Ref = Agree("ref", parsed.Ref, branch.StartsWith("refs/heads/", StringComparison.Ordinal) ? branch : "refs/heads/" + branch) };
        }

        return parsed;
    }

    private static string Agree(string what, string current, string value) =>
        current.Length > 0 && current != value ? throw new BuildException($"{what} conflicts: {GitRef.Quote(current)} vs {GitRef.Quote(value)}") : value;

    private static bool Bool(string key, string value) => value.Length == 0
        || (ParseBool(value) ?? throw new BuildException($"invalid {key} value: {GitRef.Quote(value)}"));

    /// <summary>Go's <c>strconv.ParseBool</c>.</summary>
    private static bool? ParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    /// <summary>Go's <c>url.ParseQuery</c> as <c>URL.Query()</c> uses it: pairs split on <c>&amp;</c>, <c>+</c> is a
    /// space, malformed pairs are skipped; keys in the order they first appear.</summary>
    private static List<(string Key, List<string> Values)> Parse(string query)
    {
        var result = new List<(string Key, List<string> Values)>();
        foreach (var pair in query.Split('&'))
        {
            if (pair.Length == 0 || pair.Contains(';', StringComparison.Ordinal))
            {
                continue;
            }

            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (Unescape(eq < 0 ? pair : pair[..eq]) is not { } key || Unescape(eq < 0 ? "" : pair[(eq + 1)..]) is not { } value)
            {
                continue;
            }

            var index = result.FindIndex(e => e.Key == key);
            if (index < 0)
            {
                result.Add((key, [value]));
            }
            else
            {
                result[index].Values.Add(value);
            }
        }

        return result;
    }

    private static string? Unescape(string text)
    {
        // Go rejects a '%' not followed by two hex digits; Uri.UnescapeDataString would keep it.
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
            {
                return null;
            }
        }

        return Uri.UnescapeDataString(text.Replace('+', ' '));
    }
}
