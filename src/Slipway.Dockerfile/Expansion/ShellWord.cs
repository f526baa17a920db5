using System.Text;

namespace Slipway.Dockerfile.Expansion;

/// <summary>One expansion in progress: a cursor over the word's code points (BuildKit reads the word with Go's
/// text/scanner, one rune at a time) and the variables looked up so far. Each method mirrors the BuildKit
/// function of the same name, so a difference in behaviour can be traced line by line. Failures return
/// <see langword="false"/> with <see cref="Error"/> set to BuildKit's message.</summary>
internal sealed class ShellWord
{
    private const int Eof = -1;

    private readonly ShellLex _lex;
    private readonly int[] _source;
    private readonly Func<string, string?> _lookup;
    private int _position;
    private bool _rawEscapes;

    public ShellWord(ShellLex lex, string word, Func<string, string?> lookup)
    {
        _lex = lex;
        _lookup = lookup;
        _source = CodePoints.From(word);
        // Go's text/scanner drops one byte order mark at the start of its input.
        _position = _source.Length > 0 && _source[0] == 0xFEFF ? 1 : 0;
        _rawEscapes = lex.RawEscapes;
    }

    public HashSet<string> Matched { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Unmatched { get; } = new(StringComparer.Ordinal);

    public string? Error { get; private set; }

    public bool Process(out string result, out List<string> words) =>
        ProcessStopOn(Eof, _lex.RawEscapes, out result, out words);

    private int Peek() => _position < _source.Length ? _source[_position] : Eof;

    private int Next() => _position < _source.Length ? _source[_position++] : Eof;

    private bool Fail(string message)
    {
        Error = message;
        return false;
    }

    private bool Fail(string message, out string value)
    {
        value = string.Empty;
        return Fail(message);
    }

    private bool IsEscape(int ch) => ch == _lex.EscapeToken;

    /// <summary>Reads up to <paramref name="stopChar"/> (consumed, not returned) or the end of the word.</summary>
    private bool ProcessStopOn(int stopChar, bool rawEscapes, out string result, out List<string> words)
    {
        var saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            return ProcessStopOnCore(stopChar, out result, out words);
        }
        finally
        {
            _rawEscapes = saved;
        }
    }

    private bool ProcessStopOnCore(int stopChar, out string result, out List<string> words)
    {
        var buffer = new StringBuilder();
        var splitter = new WordSplitter();
        words = [];
        while (Peek() != Eof)
        {
            var ch = Peek();
            if (stopChar != Eof && ch == stopChar)
            {
                Next();
                result = buffer.ToString();
                words = splitter.GetWords();
                return true;
            }

            if (ch == '$' || (!_lex.SkipProcessQuotes && ch is '\'' or '"'))
            {
                string piece;
                var ok = ch == '$' ? ProcessDollar(out piece)
                    : ch == '\'' ? ProcessSingleQuote(out piece)
                    : ProcessDoubleQuote(out piece);
                if (!ok)
                {
                    return Fail(Error!, out result);
                }

                buffer.Append(piece);
                // Text that came from a variable is split on its whitespace; quoted text is not.
                if (ch == '$')
                {
                    splitter.AddString(piece);
                }
                else
                {
                    splitter.AddRawString(piece);
                }

                continue;
            }

            ch = Next();
            if (IsEscape(ch))
            {
                if (_rawEscapes)
                {
                    splitter.AddRawChar(ch);
                    AppendRune(buffer, ch);
                }

                // The escape character escapes the next character; at the end of the word it vanishes.
                ch = Next();
                if (ch == Eof)
                {
                    break;
                }

                splitter.AddRawChar(ch);
            }
            else
            {
                splitter.AddChar(ch);
            }

            AppendRune(buffer, ch);
        }

        if (stopChar != Eof)
        {
            return Fail($"unexpected end of statement while looking for matching {RuneText(stopChar)}", out result);
        }

        result = buffer.ToString();
        words = splitter.GetWords();
        return true;
    }

    private bool ProcessSingleQuote(out string value)
    {
        // Everything up to the next single quote is literal; a single quote cannot be escaped inside.
        var buffer = new StringBuilder();
        var ch = Next();
        if (_lex.RawQuotes)
        {
            AppendRune(buffer, ch);
        }

        while (true)
        {
            ch = Next();
            if (ch == Eof)
            {
                return Fail("unexpected end of statement while looking for matching single-quote", out value);
            }

            if (ch == '\'')
            {
                if (_lex.RawQuotes)
                {
                    AppendRune(buffer, ch);
                }

                value = buffer.ToString();
                return true;
            }

            AppendRune(buffer, ch);
        }
    }

    private bool ProcessDoubleQuote(out string value)
    {
        // Literal except $ and the escape character, which escapes only ", $ and itself.
        var buffer = new StringBuilder();
        var ch = Next();
        if (_lex.RawQuotes)
        {
            AppendRune(buffer, ch);
        }

        while (true)
        {
            switch (Peek())
            {
                case Eof:
                    return Fail("unexpected end of statement while looking for matching double-quote", out value);
                case '"':
                    ch = Next();
                    if (_lex.RawQuotes)
                    {
                        AppendRune(buffer, ch);
                    }

                    value = buffer.ToString();
                    return true;
                case '$':
                    if (!ProcessDollar(out var expanded))
                    {
                        return Fail(Error!, out value);
                    }

                    buffer.Append(expanded);
                    break;
                default:
                    ch = Next();
                    if (IsEscape(ch))
                    {
                        if (_rawEscapes)
                        {
                            AppendRune(buffer, ch);
                        }

                        var peek = Peek();
                        if (peek == Eof)
                        {
                            continue;
                        }

                        if (peek == '"' || peek == '$' || IsEscape(peek))
                        {
                            ch = Next();
                        }
                    }

                    AppendRune(buffer, ch);
                    break;
            }
        }
    }

    private bool ProcessDollar(out string value) => DollarForms.Process(this, out value);

    /// <summary>Reads a name: letters, digits and '_'; or a run of digits (positional parameter); or one
    /// special parameter character. None of the latter two is ever set in a Dockerfile.</summary>
    private string ProcessName()
    {
        var name = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = Peek();
            if (name.Length == 0 && ShellPattern.IsDigit(ch))
            {
                while (Peek() != Eof && ShellPattern.IsDigit(Peek()))
                {
                    AppendRune(name, Next());
                }

                return name.ToString();
            }

            if (name.Length == 0 && IsSpecialParameter(ch))
            {
                return RuneText(Next());
            }

            if (!ShellPattern.IsLetter(ch) && !ShellPattern.IsDigit(ch) && ch != '_')
            {
                break;
            }

            AppendRune(name, Next());
        }

        return name.ToString();
    }

    private static bool IsSpecialParameter(int ch) => ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0';

    private string? GetEnv(string name)
    {
        var value = _lookup(name);
        (value is null ? Unmatched : Matched).Add(name);
        return value;
    }

    /// <summary>Go renders the end-of-input marker (-1) as U+FFFD when it is formatted as a character.</summary>
    internal static string RuneText(int ch) => ch == Eof ? "\uFFFD" : char.ConvertFromUtf32(ch);

    internal static void AppendRune(StringBuilder buffer, int ch) => buffer.Append(RuneText(ch));

    // The $ forms live in DollarForms; these are the cursor operations they need.
    internal int PeekChar() => Peek();

    internal int NextChar() => Next();

    internal string ReadName() => ProcessName();

    internal string? LookupVariable(string name) => GetEnv(name);

    internal bool ReadUntil(int stopChar, bool rawEscapes, out string result) =>
        ProcessStopOn(stopChar, rawEscapes, out result, out _);

    internal bool Failed(string message, out string value) => Fail(message, out value);

    internal ShellLex Lex => _lex;
}
