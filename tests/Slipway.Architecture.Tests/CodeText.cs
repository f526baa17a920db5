using System.Text;

namespace Slipway.Architecture.Tests;

/// <summary>C# text with comments and the contents of string and character literals replaced by spaces, line
/// breaks kept. Enough C# to tell code from prose: regular, verbatim, interpolated and raw strings.</summary>
public static class CodeText
{
    public static string Blank(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '/' && At(text, i + 1) == '/')
            {
                i = Skip(text, result, i, text.IndexOf('\n', i) is var end and >= 0 ? end : text.Length);
            }
            else if (c == '/' && At(text, i + 1) == '*')
            {
                i = Skip(text, result, i, text.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : text.Length);
            }
            else if (c == '\'')
            {
                i = Skip(text, result, i, EndOfQuoted(text, i + 1, '\''));
            }
            else if (c is '"' or '$' or '@' && StringStart(text, i) is { } start)
            {
                i = Skip(text, result, i, EndOfString(text, start.Quote, start.Verbatim, start.Raw));
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    private static char At(string text, int i) => i < text.Length ? text[i] : '\0';

    /// <summary>Where the quote of a string literal starting at <paramref name="i"/> is, with its kind; null when
    /// <paramref name="i"/> does not start one.</summary>
    private static (int Quote, bool Verbatim, int Raw)? StringStart(string text, int i)
    {
        var j = i;
        var verbatim = false;
        while (At(text, j) is '$' or '@')
        {
            verbatim |= text[j] == '@';
            j++;
        }

        if (At(text, j) != '"')
        {
            return null;
        }

        var quotes = 0;
        while (At(text, j + quotes) == '"')
        {
            quotes++;
        }

        return (j, verbatim, quotes >= 3 ? quotes : 0);
    }

    /// <summary>The index just past the literal whose opening quote is at <paramref name="quote"/>.</summary>
    private static int EndOfString(string text, int quote, bool verbatim, int raw)
    {
        if (raw > 0)
        {
            var close = new string('"', raw);
            var end = text.IndexOf(close, quote + raw, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + raw;
        }

        if (!verbatim)
        {
            return EndOfQuoted(text, quote + 1, '"');
        }

        for (var i = quote + 1; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                if (At(text, i + 1) != '"')
                {
                    return i + 1;
                }

                i++;
            }
        }

        return text.Length;
    }

    private static int EndOfQuoted(string text, int i, char quote)
    {
        for (; i < text.Length && text[i] != '\n'; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == quote)
            {
                return i + 1;
            }
        }

        return i;
    }

    /// <summary>Blanks <paramref name="from"/>..<paramref name="to"/> except line breaks, and returns <paramref name="to"/>.</summary>
    private static int Skip(string text, StringBuilder result, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            result.Append(text[i] == '\n' ? '\n' : ' ');
        }

        return to;
    }
}
