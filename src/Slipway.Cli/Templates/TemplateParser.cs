using System.Globalization;

namespace Slipway.Cli.Templates;

/// <summary>Go's text/template grammar over <see cref="TemplateLexer"/>'s tokens: actions, pipelines, commands,
/// operands with field chains, <c>if</c>/<c>with</c>/<c>range</c> with <c>else</c>, <c>break</c>/<c>continue</c>
/// and variables (checked to be declared, as Go does while parsing). Errors are Go's words.</summary>
internal sealed partial class TemplateParser
{
    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly ISet<string> _functions;
    private readonly List<string> _vars = ["$"];
    private int _next;
    private int _rangeDepth;

    private TemplateParser(string text, ISet<string> functions)
    {
        _text = text;
        _tokens = TemplateLexer.Lex(text);
        _functions = functions;
    }

    public static ListNode Parse(string text, ISet<string> functions)
    {
        var parser = new TemplateParser(text, functions);
        var (list, stop) = parser.ItemList();
        if (stop is not null)
        {
            throw Error(stop.Value, $"unexpected {{{{{stop.Value.Value}}}}}");
        }

        return list;
    }

    /// <summary>Nodes until EOF (stop null) or an <c>{{end}}</c>/<c>{{else}}</c> (returned, its delimiter consumed
    /// for end, not for else).</summary>
    private (ListNode List, Token? Stop) ItemList()
    {
        var nodes = new List<TemplateNode>();
        var start = Peek().Pos;
        while (Peek().Kind != TokenKind.Eof)
        {
            var token = Next();
            if (token.Kind == TokenKind.Text)
            {
                nodes.Add(new TextNode(token.Pos, token.Value));
                continue;
            }

            var word = NextNonSpace();
            if (word.Kind == TokenKind.Keyword && word.Value is "end" or "else")
            {
                if (word.Value == "end")
                {
                    Expect(TokenKind.RightDelim, "end");
                }

                return (new ListNode(start, nodes), word);
            }

            nodes.Add(Action(token, word));
        }

        return (new ListNode(start, nodes), null);
    }

    private TemplateNode Action(Token open, Token word)
    {
        if (word.Kind == TokenKind.Keyword)
        {
            switch (word.Value)
            {
                case "if": return Branch(BranchKind.If, word);
                case "with": return Branch(BranchKind.With, word);
                case "range": return Branch(BranchKind.Range, word);
                case "break" or "continue":
                    if (_rangeDepth == 0)
                    {
                        throw Error(word, $"{{{{{word.Value}}}}} outside {{{{range}}}}");
                    }

                    Expect(TokenKind.RightDelim, word.Value);
                    return word.Value == "break" ? new BreakNode(word.Pos, "{{break}}") : new ContinueNode(word.Pos, "{{continue}}");
                default:
                    throw Error(word, $"{{{{{word.Value}}}}} is not supported by this template engine");
            }
        }

        Backup();
        var pipe = Pipeline("command", TokenKind.RightDelim);
        return new ActionNode(open.Pos, "{{" + pipe.Text + "}}", pipe);
    }

    private BranchNode Branch(BranchKind kind, Token keyword)
    {
        var mark = _vars.Count;
        var context = kind switch
        {
            BranchKind.If => "if",
            BranchKind.With => "with",
            _ => "range",
        };
        var pipe = Pipeline(context, TokenKind.RightDelim);
        if (kind == BranchKind.Range)
        {
            _rangeDepth++;
        }

        var (list, stop) = ItemList();
        if (kind == BranchKind.Range)
        {
            _rangeDepth--;
        }

        ListNode? elseList = null;
        if (stop is null)
        {
            throw Error(Peek(), "unexpected EOF");
        }

        if (stop.Value.Value == "else")
        {
            var after = NextNonSpace();
            if (after.Kind == TokenKind.Keyword && (after.Value == "if" && kind == BranchKind.If || after.Value == "with" && kind == BranchKind.With))
            {
                // {{else if …}} is {{else}}{{if …}}…{{end}}{{end}} with one shared end.
                var inner = Branch(kind, after);
                elseList = new ListNode(after.Pos, [inner]);
            }
            else
            {
                Backup();
                Expect(TokenKind.RightDelim, "else");
                var (rest, end) = ItemList();
                if (end is not { Value: "end" })
                {
                    throw Error(end ?? Peek(), end is null ? "unexpected EOF" : "expected end; found {{else}}");
                }

                elseList = rest;
            }
        }

        _vars.RemoveRange(mark, _vars.Count - mark);
        return new BranchNode(keyword.Pos, "{{" + context + " " + pipe.Text + "}}", kind, pipe, list, elseList);
    }

    private PipeNode Pipeline(string context, TokenKind end)
    {
        var start = PeekNonSpace().Pos;
        var decl = new List<string>();
        var isAssign = false;
        // Declarations: $x := …, $x = …, $i, $e := … (range only).
        var save = _next;
        var v = NextNonSpace();
        if (v.Kind == TokenKind.Variable)
        {
            var op = NextNonSpace();
            if (op.Kind is TokenKind.Declare or TokenKind.Assign)
            {
                isAssign = op.Kind == TokenKind.Assign;
                decl.Add(v.Value);
            }
            else if (op.Kind == TokenKind.Comma && context == "range")
            {
                var second = NextNonSpace();
                var declare = NextNonSpace();
                if (second.Kind != TokenKind.Variable || declare.Kind is not (TokenKind.Declare or TokenKind.Assign))
                {
                    throw Error(second, "range can only initialize variables");
                }

                isAssign = declare.Kind == TokenKind.Assign;
                decl.Add(v.Value);
                decl.Add(second.Value);
            }
            else
            {
                _next = save;
            }
        }
        else
        {
            _next = save;
        }

        if (!isAssign)
        {
            _vars.AddRange(decl);
        }
        else if (decl.FirstOrDefault(d => !_vars.Contains(d)) is { } undefined)
        {
            throw Error(v, $"undefined variable \"{undefined}\"");
        }

        var cmds = new List<CommandNode>();
        while (true)
        {
            var token = PeekNonSpace();
            if (token.Kind == end)
            {
                NextNonSpace();
                if (cmds.Count == 0)
                {
                    throw Error(token, $"missing value for {context}");
                }

                break;
            }

            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen or TokenKind.Eof)
            {
                throw Error(token, $"unexpected {Describe(token)} in {(cmds.Count == 0 ? "operand" : "command")}");
            }

            cmds.Add(Command());
        }

        for (var i = 1; i < cmds.Count; i++)
        {
            if (cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Error(_tokens[_next - 1], $"non executable command in pipeline stage {i + 1}");
            }
        }

        var last = _tokens[_next - 1].Pos;
        var text = _text[start..Math.Max(start, last)].Trim();
        if (text.EndsWith('-') && end == TokenKind.RightDelim)
        {
            text = text[..^1].TrimEnd();
        }

        return new PipeNode(start, text, decl, isAssign, cmds);
    }

    private CommandNode Command()
    {
        var args = new List<TemplateNode>();
        var start = PeekNonSpace().Pos;
        while (true)
        {
            SkipSpace();
            var operand = Operand();
            args.Add(operand);
            var token = Peek();
            if (token.Kind == TokenKind.Space)
            {
                var after = PeekNonSpace();
                if (after.Kind is TokenKind.RightDelim or TokenKind.RightParen or TokenKind.Pipe)
                {
                    SkipSpace();
                }
                else
                {
                    continue;
                }
            }

            token = Peek();
            if (token.Kind == TokenKind.Pipe)
            {
                Next();
            }
            else if (token.Kind is not (TokenKind.RightDelim or TokenKind.RightParen))
            {
                throw Error(token, $"unexpected {Describe(token)} in operand");
            }

            var end = token.Kind == TokenKind.Pipe ? token.Pos : token.Pos;
            return new CommandNode(start, _text[start..end].Trim(), args);
        }
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.Eof => "EOF",
        TokenKind.RightDelim => "\"}}\"",
        TokenKind.RightParen => "\")\"",
        TokenKind.Keyword => $"<{token.Value}>",
        _ => $"\"{token.Value}\"",
    };

    private void Expect(TokenKind kind, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != kind)
        {
            throw Error(token, $"unexpected {Describe(token)} in {context}");
        }
    }

    private static TemplateException Error(Token token, string message) => new($"template: :{token.Line}: {message}");

    private Token Peek() => _tokens[_next];

    private Token Next() => _tokens[Math.Min(_next++, _tokens.Count - 1)];

    private void Backup() => _next--;

    private void SkipSpace()
    {
        while (Peek().Kind == TokenKind.Space)
        {
            _next++;
        }
    }

    private Token PeekNonSpace()
    {
        var i = _next;
        while (_tokens[i].Kind == TokenKind.Space)
        {
            i++;
        }

        return _tokens[i];
    }

    private Token NextNonSpace()
    {
        SkipSpace();
        return Next();
    }
}
