using System.Text;

namespace Slipway.Dockerfile.Syntax;

/// <summary>The part of BuildKit's shell lexer that heredoc detection needs: word splitting with quotes, escapes
/// (always <c>\</c>), <c>&lt;&lt;</c> gluing to the following word, and unset variables kept literally. It never
/// expands anything.</summary>
internal sealed class ShellWordSplitter
{
    private const int Eof = -1;
    private readonly string _src;
    private readonly bool _rawQuotes;
    private bool _rawEscapes;
    private int _pos;

    private ShellWordSplitter(string src, bool rawQuotes, bool rawEscapes)
    {
        _src = src;
        _rawQuotes = rawQuotes;
        _rawEscapes = rawEscapes;
    }

    public static List<string> Split(string src, bool rawQuotes, bool rawEscapes, out string? error)
    {
        var lexer = new ShellWordSplitter(src, rawQuotes, rawEscapes);
        try
        {
            error = null;
            return lexer.ProcessStopOn(Eof, rawEscapes, out _);
        }
        catch (LexException e)
        {
            error = e.Message;
            return [];
        }
    }

    private int Peek() => _pos < _src.Length ? _src[_pos] : Eof;

    private int Next() => _pos < _src.Length ? _src[_pos++] : Eof;

    private List<string> ProcessStopOn(int stop, bool rawEscapes, out string result)
    {
        var saved = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            var text = new StringBuilder();
            var words = new WordCollector();
            while (Peek() != Eof)
            {
                var ch = Peek();
                if (stop != Eof && ch == stop)
                {
                    Next();
                    result = text.ToString();
                    return words.Finish();
                }

                if (ch is '$' or '\'' or '"' or '<')
                {
                    var tmp = ch switch
                    {
                        '$' => ProcessDollar(),
                        '\'' => ProcessSingleQuote(),
                        '"' => ProcessDoubleQuote(),
                        _ => ProcessPossibleHeredoc(),
                    };
                    text.Append(tmp);
                    if (ch == '$')
                    {
                        words.AddString(tmp);
                    }
                    else
                    {
                        words.AddRaw(tmp);
                    }

                    continue;
                }

                ch = Next();
                if (ch == '\\')
                {
                    if (_rawEscapes)
                    {
                        words.AddRaw((char)ch);
                        text.Append((char)ch);
                    }

                    ch = Next();
                    if (ch == Eof)
                    {
                        break;
                    }

                    words.AddRaw((char)ch);
                }
                else
                {
                    words.AddChar((char)ch);
                }

                text.Append((char)ch);
            }

            if (stop != Eof)
            {
                throw new LexException($"unexpected end of statement while looking for matching {(char)stop}");
            }

            result = text.ToString();
            return words.Finish();
        }
        finally
        {
            _rawEscapes = saved;
        }
    }

    private string ProcessPossibleHeredoc()
    {
        Next();
        if (Peek() != '<')
        {
            return "<";
        }

        Next();
        var sb = new StringBuilder("<<");
        while (Peek() is ' ' or '\t')
        {
            sb.Append((char)Next());
        }

        return sb.ToString();
    }

    private string ProcessSingleQuote()
    {
        var sb = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
        {
            sb.Append((char)ch);
        }

        while (true)
        {
            ch = Next();
            if (ch == Eof)
            {
                throw new LexException("unexpected end of statement while looking for matching single-quote");
            }

            if (ch == '\'')
            {
                if (_rawQuotes)
                {
                    sb.Append('\'');
                }

                return sb.ToString();
            }

            sb.Append((char)ch);
        }
    }

    private string ProcessDoubleQuote()
    {
        var sb = new StringBuilder();
        var ch = Next();
        if (_rawQuotes)
        {
            sb.Append((char)ch);
        }

        while (true)
        {
            switch (Peek())
            {
                case Eof:
                    throw new LexException("unexpected end of statement while looking for matching double-quote");
                case '"':
                    Next();
                    if (_rawQuotes)
                    {
                        sb.Append('"');
                    }

                    return sb.ToString();
                case '$':
                    sb.Append(ProcessDollar());
                    break;
                default:
                    ch = Next();
                    if (ch == '\\')
                    {
                        if (_rawEscapes)
                        {
                            sb.Append('\\');
                        }

                        var next = Peek();
                        if (next == Eof)
                        {
                            continue;
                        }

                        if (next is '"' or '$' or '\\')
                        {
                            ch = Next();
                        }
                    }

                    sb.Append((char)ch);
                    break;
            }
        }
    }

    // No variable is ever set here, and unset ones are kept as written (BuildKit's SkipUnsetEnv).
    private string ProcessDollar()
    {
        Next();
        if (Peek() != '{')
        {
            var name = ProcessName();
            return name.Length == 0 ? "$" : "$" + name;
        }

        Next();
        switch (Peek())
        {
            case Eof:
                throw new LexException("syntax error: missing '}'");
            case '{' or '}' or ':':
                throw new LexException("syntax error: bad substitution");
        }

        var varName = ProcessName();
        var ch = Next();
        var chs = ch == Eof ? "" : ((char)ch).ToString();
        switch (ch)
        {
            case '}':
                return "${" + varName + "}";
            case ':' or '+' or '-' or '?' or '#' or '%':
                if (ch == ':')
                {
                    ch = Next();
                    chs += ch == Eof ? "" : ((char)ch).ToString();
                }

                var word = StopOnOrMissing('}', ch is '#' or '%', "syntax error: missing '}'");
                return "${" + varName + chs + word + "}";
            case '/':
                if (Peek() == '/')
                {
                    Next();
                }

                var pattern = StopOnOrMissing('/', true, "syntax error: missing '/' in ${}");
                var replacement = StopOnOrMissing('}', true, "syntax error: missing '}'");
                return "${" + varName + "/" + pattern + "/" + replacement + "}";
            default:
                throw new LexException($"unsupported modifier ({chs}) in substitution");
        }
    }

    private string StopOnOrMissing(char stop, bool rawEscapes, string missing)
    {
        try
        {
            ProcessStopOn(stop, rawEscapes, out var word);
            return word;
        }
        catch (LexException) when (Peek() == Eof)
        {
            throw new LexException(missing);
        }
    }

    private string ProcessName()
    {
        var sb = new StringBuilder();
        while (Peek() != Eof)
        {
            var ch = (char)Peek();
            if (sb.Length == 0 && char.IsDigit(ch))
            {
                while (Peek() != Eof && char.IsDigit((char)Peek()))
                {
                    sb.Append((char)Next());
                }

                return sb.ToString();
            }

            if (sb.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                Next();
                return ch.ToString();
            }

            if (!char.IsLetterOrDigit(ch) && ch != '_')
            {
                break;
            }

            sb.Append((char)Next());
        }

        return sb.ToString();
    }

    private sealed class WordCollector
    {
        private readonly List<string> _words = [];
        private readonly StringBuilder _word = new();
        private bool _inWord;

        public void AddChar(char ch)
        {
            if (char.IsWhiteSpace(ch))
            {
                if (_inWord && _word.Length != 0)
                {
                    _words.Add(_word.ToString());
                    _word.Clear();
                    _inWord = false;
                }
            }
            else
            {
                AddRaw(ch);
            }
        }

        public void AddRaw(char ch)
        {
            _word.Append(ch);
            _inWord = true;
        }

        public void AddRaw(string s)
        {
            _word.Append(s);
            _inWord = true;
        }

        public void AddString(string s)
        {
            foreach (var ch in s)
            {
                AddChar(ch);
            }
        }

        public List<string> Finish()
        {
            if (_word.Length > 0)
            {
                _words.Add(_word.ToString());
                _word.Clear();
                _inWord = false;
            }

            return _words;
        }
    }

    private sealed class LexException(string message) : Exception(message);
}
