using System.Globalization;

namespace Slipway.Cli.Templates;

internal enum TokenKind
{
    Text,
    LeftDelim,
    RightDelim,
    Space,
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
    String,
    Char,
    Number,
    Variable,
    Field,
    Dot,
    Identifier,
    Keyword,
    Bool,
    Nil,
    Eof,
}

internal readonly record struct Token(TokenKind Kind, int Pos, string Value, int Line);

/// <summary>Go's text/template lexer: text and <c>{{ }}</c> actions, with <c>{{- </c> and <c> -}}</c> trimming the
/// white space beside them and <c>{{/* */}}</c> comments dropped. Errors are Go's words.</summary>
internal sealed class TemplateLexer(string input)
{
    private static readonly HashSet<string> Keywords = ["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"];

    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _parenDepth;

    public static List<Token> Lex(string input) => new TemplateLexer(input).Run();

    private List<Token> Run()
    {
        while (_pos < input.Length)
        {
            var open = input.IndexOf("{{", _pos, StringComparison.Ordinal);
            var end = open < 0 ? input.Length : open;
            var trimLeft = open >= 0 && HasLeftTrim(open);
            var text = input[_pos..end];
            if (trimLeft)
            {
                text = text.TrimEnd(' ', '\t', '\r', '\n');
            }

            if (text.Length > 0)
            {
                Emit(TokenKind.Text, _pos, text);
            }

            if (open < 0)
            {
                break;
            }

            _pos = open + 2 + (trimLeft ? 2 : 0);
            LexAction(open);
        }

        Emit(TokenKind.Eof, _pos, "");
        return _tokens;
    }

    private bool HasLeftTrim(int open) =>
        open + 3 < input.Length && input[open + 2] == '-' && IsSpace(input[open + 3]);

    private bool AtRightDelim(out int length)
    {
        if (_pos + 3 < input.Length && IsSpace(input[_pos]) && input[_pos + 1] == '-' && Follows(_pos + 2, "}}"))
        {
            length = 4;
            return true;
        }

        length = 2;
        return Follows(_pos, "}}");
    }

    private bool Follows(int at, string what) => string.CompareOrdinal(input, at, what, 0, what.Length) == 0;

    private void LexAction(int open)
    {
        var line = LineAt(open);
        if (Follows(_pos, "/*"))
        {
            var close = input.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"template: :{line}: unclosed comment");
            }

            _pos = close + 2;
            if (!AtRightDelim(out var length))
            {
                throw new TemplateException($"template: :{line}: comment ends before closing delimiter");
            }

            SkipRightDelim(length);
            return;
        }

        Emit(TokenKind.LeftDelim, open, "{{");
        _parenDepth = 0;
        while (true)
        {
            if (_pos >= input.Length)
            {
                throw new TemplateException($"template: :{LineAt(open)}: unclosed action");
            }

            if (AtRightDelim(out var length))
            {
                if (_parenDepth > 0)
                {
                    throw new TemplateException($"template: :{LineAt(_pos)}: unclosed left paren");
                }

                Emit(TokenKind.RightDelim, _pos, "}}");
                SkipRightDelim(length);
                return;
            }

            LexInside();
        }
    }

    private void SkipRightDelim(int length)
    {
        _pos += length;
        if (length == 4)
        {
            while (_pos < input.Length && IsSpace(input[_pos]))
            {
                _pos++;
            }
        }
    }

    private void LexInside()
    {
        var start = _pos;
        var c = input[_pos];
        switch (c)
        {
            case var _ when IsSpace(c):
                while (_pos < input.Length && IsSpace(input[_pos]) && !AtRightDelim(out _))
                {
                    _pos++;
                }

                if (_pos == start)
                {
                    _pos++; // the space of " -}}" is consumed with it
                }

                Emit(TokenKind.Space, start, input[start.._pos]);
                return;
            case '|':
                _pos++;
                Emit(TokenKind.Pipe, start, "|");
                return;
            case '(':
                _pos++;
                _parenDepth++;
                Emit(TokenKind.LeftParen, start, "(");
                return;
            case ')':
                _pos++;
                if (--_parenDepth < 0)
                {
                    throw Error($"unexpected right paren");
                }

                Emit(TokenKind.RightParen, start, ")");
                return;
            case ',':
                _pos++;
                Emit(TokenKind.Comma, start, ",");
                return;
            case ':':
                if (_pos + 1 < input.Length && input[_pos + 1] == '=')
                {
                    _pos += 2;
                    Emit(TokenKind.Declare, start, ":=");
                    return;
                }

                throw Error("expected :=");
            case '=':
                _pos++;
                Emit(TokenKind.Assign, start, "=");
                return;
            case '"':
                LexQuote('"', TokenKind.String, "unterminated quoted string");
                return;
            case '\'':
                LexQuote('\'', TokenKind.Char, "unterminated character constant");
                return;
            case '`':
                var close = input.IndexOf('`', _pos + 1);
                if (close < 0)
                {
                    throw Error("unterminated raw quoted string");
                }

                _pos = close + 1;
                Emit(TokenKind.String, start, input[start.._pos]);
                return;
            case '$':
                _pos++;
                ScanWord();
                Emit(TokenKind.Variable, start, input[start.._pos]);
                return;
            case '.' when _pos + 1 < input.Length && char.IsAsciiDigit(input[_pos + 1]):
                LexNumber();
                return;
            case '.':
                _pos++;
                if (_pos < input.Length && IsWordChar(input[_pos]))
                {
                    ScanWord();
                    Emit(TokenKind.Field, start, input[start.._pos]);
                }
                else
                {
                    Emit(TokenKind.Dot, start, ".");
                }

                return;
            case '+' or '-' when _pos + 1 < input.Length && (char.IsAsciiDigit(input[_pos + 1]) || input[_pos + 1] == '.'):
            case var _ when char.IsAsciiDigit(c):
                LexNumber();
                return;
            case var _ when IsWordChar(c):
                ScanWord();
                var word = input[start.._pos];
                Emit(word switch
                {
                    "true" or "false" => TokenKind.Bool,
                    "nil" => TokenKind.Nil,
                    _ when Keywords.Contains(word) => TokenKind.Keyword,
                    _ => TokenKind.Identifier,
                }, start, word);
                return;
            default:
                throw Error($"bad character U+{(int)c:X4} '{c}'");
        }
    }

    private void LexQuote(char quote, TokenKind kind, string unterminated)
    {
        var start = _pos++;
        while (true)
        {
            if (_pos >= input.Length || input[_pos] == '\n')
            {
                throw Error(unterminated);
            }

            var c = input[_pos++];
            if (c == '\\')
            {
                _pos++;
            }
            else if (c == quote)
            {
                break;
            }
        }

        Emit(kind, start, input[start.._pos]);
    }

    private void LexNumber()
    {
        var start = _pos;
        if (input[_pos] is '+' or '-')
        {
            _pos++;
        }

        while (_pos < input.Length && (char.IsAsciiLetterOrDigit(input[_pos]) || input[_pos] is '_' or '.'
                   || (input[_pos] is '+' or '-' && input[_pos - 1] is 'e' or 'E' or 'p' or 'P' && !IsHex(input, start))))
        {
            _pos++;
        }

        Emit(TokenKind.Number, start, input[start.._pos]);
    }

    private static bool IsHex(string s, int start)
    {
        var i = s[start] is '+' or '-' ? start + 1 : start;
        return i + 1 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X';
    }

    private void ScanWord()
    {
        while (_pos < input.Length && IsWordChar(input[_pos]))
        {
            _pos++;
        }
    }

    private TemplateException Error(string message) => new($"template: :{LineAt(_pos)}: {message}");

    private void Emit(TokenKind kind, int pos, string value) => _tokens.Add(new Token(kind, pos, value, LineAt(pos)));

    private int LineAt(int pos)
    {
        var line = 1;
        for (var i = 0; i < pos && i < input.Length; i++)
        {
            if (input[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsWordChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    /// <summary>The value of a Go string or character literal as written (<c>"a\tb"</c>, <c>`raw`</c>, <c>'x'</c>).</summary>
    public static string Unquote(string literal)
    {
        if (literal[0] == '`')
        {
            return literal[1..^1].Replace("\r", "", StringComparison.Ordinal);
        }

        var body = literal.AsSpan(1, literal.Length - 2);
        var result = new System.Text.StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\')
            {
                result.Append(body[i]);
                continue;
            }

            var e = body[++i];
            switch (e)
            {
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'v': result.Append('\v'); break;
                case 'x':
                    result.Append((char)int.Parse(body.Slice(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u':
                    result.Append((char)int.Parse(body.Slice(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'U':
                    result.Append(char.ConvertFromUtf32(int.Parse(body.Slice(i + 1, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                    i += 8;
                    break;
                case >= '0' and <= '7':
                    result.Append((char)Convert.ToInt32(body.Slice(i, 3).ToString(), 8));
                    i += 2;
                    break;
                default: result.Append(e); break;
            }
        }

        return result.ToString();
    }
}
