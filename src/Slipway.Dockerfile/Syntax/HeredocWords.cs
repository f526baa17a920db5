using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Dockerfile.Syntax;

/// <summary>Finds heredoc openers (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-"EOF"</c>, <c>3&lt;&lt;EOF</c>) the way BuildKit does:
/// the line is split into shell words keeping quotes, escapes and unset variables as written, and each word is
/// matched against <c>^(\d*)&lt;&lt;(-?)\s*([^&lt;]*)$</c>. A heredoc expands its body unless part of its name was quoted.</summary>
public static partial class HeredocWords
{
    [GeneratedRegex(@"\A([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex OpenerRegex();

    [GeneratedRegex(@"^\t+", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LeadingTabsRegex();

    /// <summary>Removes leading tabs from every line.</summary>
    public static string ChompContent(string content) => LeadingTabsRegex().Replace(content, "");

    /// <summary>Parses one word as a heredoc opener. Returns null when the word is not one; an error for an
    /// opener whose name has an unterminated quote.</summary>
    public static Heredoc? ParseOpener(string word, out string? error)
    {
        error = null;
        var match = OpenerRegex().Match(word);
        if (!match.Success)
        {
            return null;
        }

        _ = int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var fd);
        var chomp = match.Groups[2].Value == "-";
        var rest = match.Groups[3].Value;
        if (rest.Length == 0)
        {
            return null;
        }

        // Lex the name with and without quotes: if the counts of quote characters differ, part of the name was
        // quoted, and a quoted name turns expansion off (as in sh).
        var words = ShellWordSplitter.Split(rest, rawQuotes: false, rawEscapes: false, out var lexError);
        if (lexError is not null)
        {
            error = $"failed to process \"{rest}\": {lexError}";
            return null;
        }

        if (words.Count != 1)
        {
            return null;
        }

        var raw = ShellWordSplitter.Split(rest, rawQuotes: true, rawEscapes: false, out lexError);
        if (lexError is not null || raw.Count != 1)
        {
            error = $"internal lexing of heredoc produced inconsistent results: {rest}";
            return null;
        }

        var expand = CountQuotes(words[0]) == CountQuotes(raw[0]);
        return new Heredoc(words[0], "", expand, chomp, fd);
    }

    /// <summary>The heredoc openers of an instruction line, in order.</summary>
    public static IReadOnlyList<Heredoc> FromLine(string line, out string? error)
    {
        error = null;
        var words = ShellWordSplitter.Split(line, rawQuotes: true, rawEscapes: true, out var lexError);
        if (lexError is not null)
        {
            // BuildKit ignores a line it cannot lex here: such a line simply has no heredocs.
            return [];
        }

        var docs = new List<Heredoc>();
        foreach (var word in words)
        {
            var doc = ParseOpener(word, out error);
            if (error is not null)
            {
                return [];
            }

            if (doc is not null)
            {
                docs.Add(doc);
            }
        }

        return docs;
    }

    private static int CountQuotes(string s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (c is '\'' or '"')
            {
                n++;
            }
        }

        return n;
    }
}
