using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Dockerfile.Syntax;

/// <summary>How each instruction's arguments are split, following BuildKit's line_parsers.go. The split is part of
/// the syntax: later layers rely on it (ENV triplets, JSON flag, HEALTHCHECK type first).</summary>
internal static partial class LineParsers
{
    [GeneratedRegex(@"[\t\v\f\r ]+", RegexOptions.CultureInvariant)]
    internal static partial Regex Whitespace();

    internal enum Kind
    {
        Ignore,
        MaybeJson,
        MaybeJsonToList,
        NameVal,
        NameOrNameVal,
        WhitespaceDelimited,
        String,
        Health,
        SubCommand,
    }

    internal static Kind KindOf(string name) => name switch
    {
        "add" or "copy" or "volume" => Kind.MaybeJsonToList,
        "cmd" or "entrypoint" or "run" or "shell" => Kind.MaybeJson,
        "env" or "label" => Kind.NameVal,
        "arg" => Kind.NameOrNameVal,
        "expose" or "from" => Kind.WhitespaceDelimited,
        "maintainer" or "stopsignal" or "user" or "workdir" => Kind.String,
        "healthcheck" => Kind.Health,
        "onbuild" => Kind.SubCommand,
        _ => Kind.Ignore,
    };

    /// <summary>Arguments of one instruction, or an error message.</summary>
    internal readonly record struct Parsed(List<string> Args, bool IsJson, string? Error);

    internal static Parsed Parse(string name, string rest, char escape) => KindOf(name) switch
    {
        Kind.MaybeJson => MaybeJson(rest),
        Kind.MaybeJsonToList => MaybeJsonToList(rest),
        Kind.NameVal => NameVal(rest, name == "env" ? "ENV" : "LABEL", escape),
        Kind.NameOrNameVal => new Parsed(Words(rest, escape), false, null),
        Kind.WhitespaceDelimited => new Parsed(WhitespaceDelimited(rest), false, null),
        Kind.String => new Parsed(rest.Length == 0 ? [] : [rest], false, null),
        Kind.Health => Health(rest),
        Kind.SubCommand => new Parsed([], false, null),
        _ => new Parsed([""], false, null),
    };

    internal static List<string> WhitespaceDelimited(string rest) =>
        rest.Length == 0 ? [] : [.. Whitespace().Split(rest)];

    private static Parsed MaybeJson(string rest)
    {
        if (rest.Length == 0)
        {
            return new Parsed([], false, null);
        }

        return JsonArray.TryParse(rest, out var values) switch
        {
            JsonArray.Outcome.Strings => new Parsed(values, true, null),
            JsonArray.Outcome.NotStringArray => new Parsed([], false, JsonArray.NotStringArray),
            _ => new Parsed([rest], false, null),
        };
    }

    private static Parsed MaybeJsonToList(string rest) => JsonArray.TryParse(rest, out var values) switch
    {
        JsonArray.Outcome.Strings => new Parsed(values, true, null),
        JsonArray.Outcome.NotStringArray => new Parsed([], false, JsonArray.NotStringArray),
        _ => new Parsed(WhitespaceDelimited(rest), false, null),
    };

    private static Parsed Health(string rest)
    {
        var sep = 0;
        while (sep < rest.Length && !char.IsWhiteSpace(rest[sep]))
        {
            sep++;
        }

        var next = sep;
        while (next < rest.Length && char.IsWhiteSpace(rest[next]))
        {
            next++;
        }

        if (sep == 0)
        {
            return new Parsed([], false, null);
        }

        var cmd = MaybeJson(rest[next..]);
        if (cmd.Error is not null)
        {
            return cmd;
        }

        return new Parsed([rest[..sep], .. cmd.Args], cmd.IsJson, null);
    }

    private static Parsed NameVal(string rest, string key, char escape)
    {
        var words = Words(rest, escape);
        if (words.Count == 0)
        {
            return new Parsed([], false, null);
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = Whitespace().Split(rest, 2);
            if (parts.Length < 2)
            {
                return new Parsed([], false, key + " must have two arguments");
            }

            return new Parsed([parts[0], parts[1], ""], false, null);
        }

        var args = new List<string>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                return new Parsed([], false,
                    $"Syntax error - can't find = in {GoQuote.Quote(word)}. Must be of the form: name=value");
            }

            args.Add(word[..eq]);
            args.Add(word[(eq + 1)..]);
            args.Add("=");
        }

        return new Parsed(args, false, null);
    }

    /// <summary>BuildKit's parseWords: split on whitespace outside quotes, keeping quotes and escapes.</summary>
    internal static List<string> Words(string rest, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var inQuote = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos < rest.Length; pos++)
        {
            var ch = rest[pos];
            if (!inWord && !inQuote)
            {
                if (char.IsWhiteSpace(ch))
                {
                    continue;
                }

                inWord = true;
            }

            if (inWord)
            {
                if (char.IsWhiteSpace(ch))
                {
                    inWord = false;
                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word.ToString());
                    }

                    word.Clear();
                    blankOk = false;
                    continue;
                }

                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    inWord = false;
                    inQuote = true;
                }

                if (ch == escape)
                {
                    if (pos + 1 == rest.Length)
                    {
                        continue;
                    }

                    word.Append(ch);
                    pos++;
                    ch = rest[pos];
                }

                word.Append(ch);
                continue;
            }

            // In a quote: the escape token works except inside single quotes.
            if (ch == quote)
            {
                inQuote = false;
                inWord = true;
            }

            if (ch == escape && quote != '\'')
            {
                if (pos + 1 == rest.Length)
                {
                    inQuote = false;
                    inWord = true;
                    continue;
                }

                pos++;
                word.Append(ch);
                ch = rest[pos];
            }

            word.Append(ch);
        }

        if ((inWord || inQuote) && (blankOk || word.Length > 0))
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
