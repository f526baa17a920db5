using System.Text;

namespace Slipway.Dockerfile.Syntax;

/// <summary>Splits a logical line into keyword, leading <c>--flags</c> and the rest (BuildKit's splitCommand and
/// extractBuilderFlags). Flags end at the first word not starting with <c>--</c>, or at a bare <c>--</c>.</summary>
internal static class CommandSplitter
{
    internal readonly record struct Split(string Keyword, List<string> Flags, string Rest);

    internal static Split SplitCommand(string line)
    {
        var parts = LineParsers.Whitespace().Split(line.Trim(), 2);
        if (parts.Length < 2)
        {
            return new Split(parts[0], [], "");
        }

        var (remainder, flags) = ExtractFlags(parts[1]);
        return new Split(parts[0], flags, remainder.Trim());
    }

    private static (string Remainder, List<string> Flags) ExtractFlags(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var phase = 0; // 0 spaces, 1 word, 2 quote
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= line.Length; pos++)
        {
            var ch = pos < line.Length ? line[pos] : '\0';
            if (phase == 0)
            {
                if (pos == line.Length)
                {
                    break;
                }

                if (char.IsWhiteSpace(ch))
                {
                    continue;
                }

                if (ch != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                {
                    return (line[pos..], words);
                }

                phase = 1;
            }

            if (pos == line.Length)
            {
                if (word.ToString() != "--" && (blankOk || word.Length > 0))
                {
                    words.Add(word.ToString());
                }

                break;
            }

            if (phase == 1)
            {
                if (char.IsWhiteSpace(ch))
                {
                    phase = 0;
                    if (word.ToString() == "--")
                    {
                        return (line[pos..], words);
                    }

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
                    phase = 2;
                    continue;
                }

                if (ch == '\\')
                {
                    if (pos + 1 == line.Length)
                    {
                        continue;
                    }

                    pos++;
                    ch = line[pos];
                }

                word.Append(ch);
                continue;
            }

            if (ch == quote)
            {
                phase = 1;
                continue;
            }

            if (ch == '\\')
            {
                if (pos + 1 == line.Length)
                {
                    phase = 1;
                    continue;
                }

                pos++;
                ch = line[pos];
            }

            word.Append(ch);
        }

        return ("", words);
    }
}
