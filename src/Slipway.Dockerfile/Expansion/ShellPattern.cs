using System.Text;

namespace Slipway.Dockerfile.Expansion;

/// <summary>The pattern language of <c>${v#p}</c>, <c>${v%p}</c> and <c>${v/p/r}</c> as BuildKit implements it:
/// <c>*</c> is any run of characters, <c>?</c> any one character, <c>\*</c> <c>\?</c> <c>\\</c> are literal, a
/// backslash before <c>}</c> or <c>/</c> is dropped, and everything else (brackets included) is literal.
/// BuildKit compiles this to a Go regular expression; we match it directly, keeping the Go semantics that show:
/// leftmost-first matching, and wildcards that never match a newline (Go's <c>.</c>).</summary>
/// <remarks>Text and patterns are arrays of Unicode scalar values, as Go iterates runes.</remarks>
internal sealed class ShellPattern
{
    private const int Any = -2;
    private const int Star = -3;
    private const int Eof = -1;

    private readonly int[] _tokens;
    private readonly bool _greedy;

    private ShellPattern(int[] tokens, bool greedy)
    {
        _tokens = tokens;
        _greedy = greedy;
    }

    /// <summary>BuildKit's convertShellPatternToRegex; <paramref name="error"/> is its message on failure.</summary>
    public static ShellPattern? Compile(int[] pattern, bool greedy, out string? error)
    {
        error = null;
        var tokens = new List<int>(pattern.Length);
        // The pattern is read by a fresh Go text/scanner, which skips one leading byte order mark.
        var i = pattern.Length > 0 && pattern[0] == 0xFEFF ? 1 : 0;
        while (i < pattern.Length)
        {
            var tok = pattern[i++];
            switch (tok)
            {
                case '*':
                    tokens.Add(Star);
                    continue;
                case '?':
                    tokens.Add(Any);
                    continue;
                case '\\':
                    var peek = i < pattern.Length ? pattern[i] : Eof;
                    if (peek is '}' or '/')
                    {
                        continue;
                    }

                    tok = peek;
                    i++;
                    if (tok is not ('*' or '?' or '\\'))
                    {
                        // Go's %c prints U+FFFD for the end-of-input marker.
                        var shown = tok == Eof ? "\uFFFD" : char.ConvertFromUtf32(tok);
                        error = $"invalid escape '\\{shown}'";
                        return null;
                    }

                    break;
            }

            tokens.Add(tok);
        }

        return new ShellPattern([.. tokens], greedy);
    }

    /// <summary>Finds the leftmost-first match starting at or after <paramref name="from"/> (only at
    /// <paramref name="from"/> when anchored). Returns false when there is none.</summary>
    public bool Find(int[] text, int from, bool anchored, out int start, out int end)
    {
        var matcher = new Matcher(this, text);
        return matcher.Find(from, anchored, out start, out end);
    }

    /// <summary>Go's Regexp.ReplaceAllString, including its rule for empty matches and the <c>$</c> template
    /// expansion of the replacement (only <c>$0</c>/<c>${0}</c> yields text: the pattern has no groups).</summary>
    public string ReplaceAll(int[] text, int[] replacement)
    {
        var matcher = new Matcher(this, text);
        var sb = new StringBuilder(text.Length);
        var lastMatchEnd = 0;
        var searchPos = 0;
        while (searchPos <= text.Length)
        {
            if (!matcher.Find(searchPos, anchored: false, out var start, out var end))
            {
                break;
            }

            Append(sb, text, lastMatchEnd, start);
            // No replacement for an empty match right after a previous match.
            if (end > lastMatchEnd || start == 0)
            {
                ExpandTemplate(sb, replacement, text, start, end);
            }

            lastMatchEnd = end;
            searchPos = searchPos + 1 > end ? searchPos + 1 : end;
        }

        Append(sb, text, lastMatchEnd, text.Length);
        return sb.ToString();
    }

    public static void Append(StringBuilder sb, int[] text, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            sb.Append(new Rune(text[k]).ToString());
        }
    }

    private static void ExpandTemplate(StringBuilder sb, int[] template, int[] text, int start, int end)
    {
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] != '$')
            {
                sb.Append(new Rune(template[i]).ToString());
                i++;
                continue;
            }

            i++;
            if (i < template.Length && template[i] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            if (!TryExtractName(template, i, out var isZero, out var rest))
            {
                sb.Append('$');
                continue;
            }

            i = rest;
            if (isZero)
            {
                Append(sb, text, start, end);
            }
        }
    }

    // Go's regexp extract(): a name of letters, digits and '_', optionally in braces. Only group 0 exists.
    private static bool TryExtractName(int[] t, int i, out bool isZero, out int rest)
    {
        isZero = false;
        rest = i;
        var brace = i < t.Length && t[i] == '{';
        if (brace)
        {
            i++;
        }

        var nameStart = i;
        while (i < t.Length && (IsLetter(t[i]) || IsDigit(t[i]) || t[i] == '_'))
        {
            i++;
        }

        if (i == nameStart)
        {
            return false;
        }

        var nameEnd = i;
        if (brace)
        {
            if (i >= t.Length || t[i] != '}')
            {
                return false;
            }

            i++;
        }

        rest = i;
        // "0" is group 0; leading zeros ("00") and non-numeric names refer to no group.
        isZero = nameEnd - nameStart == 1 && t[nameStart] == '0';
        return true;
    }

    internal static bool IsLetter(int cp) => Rune.IsValid(cp) && Rune.IsLetter(new Rune(cp));

    internal static bool IsDigit(int cp) => Rune.IsValid(cp) && Rune.IsDigit(new Rune(cp));

    /// <summary>A depth-first search in priority order (greedy stars try the longest run first, lazy ones the
    /// shortest), which is exactly leftmost-first semantics. States (token, position) that were already explored
    /// without success are not explored again, so a search costs O(tokens × text).</summary>
    private sealed class Matcher(ShellPattern pattern, int[] text)
    {
        // A dense table while it stays small; past that, only the states actually explored are remembered, so a
        // long pattern against a long value cannot ask for (tokens × text) memory up front.
        private const long DenseLimit = 1 << 22;
        private readonly long _states = (long)(pattern._tokens.Length + 1) * (text.Length + 1);
        private readonly Stack<(int Token, int Pos)> _stack = new();
        private int[]? _seen;
        private HashSet<long>? _sparse;
        private int _generation;

        public bool Find(int from, bool anchored, out int start, out int end)
        {
            // Failures are independent of where a search began, so they are shared across start positions.
            _generation++;
            if (_states <= DenseLimit)
            {
                _seen ??= new int[_states];
            }
            else
            {
                _sparse ??= [];
                _sparse.Clear();
            }

            var last = anchored ? Math.Min(from, text.Length) : text.Length;
            for (start = from; start <= last; start++)
            {
                end = MatchAt(start);
                if (end >= 0)
                {
                    return true;
                }
            }

            start = end = -1;
            return false;
        }

        private int MatchAt(int start)
        {
            var tokens = pattern._tokens;
            var width = text.Length + 1;
            _stack.Clear();
            _stack.Push((0, start));
            while (_stack.Count > 0)
            {
                var (pi, ti) = _stack.Pop();
                if (!FirstVisit(((long)pi * width) + ti))
                {
                    continue;
                }

                if (pi == tokens.Length)
                {
                    return ti;
                }

                var canTake = ti < text.Length && text[ti] != '\n';
                switch (tokens[pi])
                {
                    case Star:
                        // Pushed last is tried first.
                        if (pattern._greedy)
                        {
                            _stack.Push((pi + 1, ti));
                            if (canTake)
                            {
                                _stack.Push((pi, ti + 1));
                            }
                        }
                        else
                        {
                            if (canTake)
                            {
                                _stack.Push((pi, ti + 1));
                            }

                            _stack.Push((pi + 1, ti));
                        }

                        break;
                    case Any:
                        if (canTake)
                        {
                            _stack.Push((pi + 1, ti + 1));
                        }

                        break;
                    default:
                        if (ti < text.Length && text[ti] == tokens[pi])
                        {
                            _stack.Push((pi + 1, ti + 1));
                        }

                        break;
                }
            }

            return -1;
        }

        private bool FirstVisit(long index)
        {
            if (_seen is not null)
            {
                if (_seen[index] == _generation)
                {
                    return false;
                }

                _seen[index] = _generation;
                return true;
            }

            return _sparse!.Add(index);
        }
    }
}
