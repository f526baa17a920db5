using System.Globalization;
using System.Text;

namespace Slipway.Dockerfile.Syntax;

/// <summary>Go's strconv.Quote, so that dumps and messages read exactly like BuildKit's.</summary>
public static class GoQuote
{
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var r = rune.Value;
            switch (r)
            {
                case '"':
                    sb.Append("\\\"");
                    continue;
                case '\\':
                    sb.Append("\\\\");
                    continue;
                case '\a':
                    sb.Append("\\a");
                    continue;
                case '\b':
                    sb.Append("\\b");
                    continue;
                case '\f':
                    sb.Append("\\f");
                    continue;
                case '\n':
                    sb.Append("\\n");
                    continue;
                case '\r':
                    sb.Append("\\r");
                    continue;
                case '\t':
                    sb.Append("\\t");
                    continue;
                case '\v':
                    sb.Append("\\v");
                    continue;
            }

            if (IsPrint(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (r < 0x20 || r == 0x7f)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{r:x2}");
            }
            else if (r < 0x10000)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{r:x4}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{r:x8}");
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>Go's %q of a string slice: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> items) => "[" + string.Join(' ', items.Select(Quote)) + "]";

    private static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
