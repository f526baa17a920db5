using System.Globalization;

namespace Slipway.Cli.Templates;

/// <summary>Operands: terms (functions, fields, variables, constants, parenthesized pipelines) and the field chains
/// that follow them.</summary>
internal sealed partial class TemplateParser
{
    private TemplateNode Operand()
    {
        var term = Term();
        if (Peek().Kind != TokenKind.Field)
        {
            return term;
        }

        var fields = new List<string>();
        var end = term.Pos;
        while (Peek().Kind == TokenKind.Field)
        {
            var f = Next();
            fields.AddRange(f.Value[1..].Split('.'));
            end = f.Pos + f.Value.Length;
        }

        var text = _text[term.Pos..end];
        return term switch
        {
            FieldNode field => new FieldNode(term.Pos, text, [.. field.Ident, .. fields]),
            VariableNode variable => new VariableNode(term.Pos, text, [.. variable.Ident, .. fields]),
            BoolNode or StringNode or NumberNode or NilNode or DotNode =>
                throw Error(_tokens[_next - 1], $"unexpected . after term \"{term.Text}\""),
            _ => new ChainNode(term.Pos, text, term, fields),
        };
    }

    private TemplateNode Term()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                if (!_functions.Contains(token.Value))
                {
                    throw Error(token, $"function \"{token.Value}\" not defined");
                }

                return new IdentifierNode(token.Pos, token.Value);
            case TokenKind.Dot:
                return new DotNode(token.Pos);
            case TokenKind.Nil:
                return new NilNode(token.Pos);
            case TokenKind.Bool:
                return new BoolNode(token.Pos, token.Value == "true");
            case TokenKind.Variable:
                if (!_vars.Contains(token.Value))
                {
                    throw Error(token, $"undefined variable \"{token.Value}\"");
                }

                return new VariableNode(token.Pos, token.Value, [token.Value]);
            case TokenKind.Field:
                return new FieldNode(token.Pos, token.Value, token.Value[1..].Split('.'));
            case TokenKind.String:
                return new StringNode(token.Pos, token.Value, TemplateLexer.Unquote(token.Value));
            case TokenKind.Char:
                var ch = TemplateLexer.Unquote(token.Value);
                return new NumberNode(token.Pos, token.Value, char.ConvertToUtf32(ch, 0), char.ConvertToUtf32(ch, 0));
            case TokenKind.Number:
                return Number(token);
            case TokenKind.LeftParen:
                var pipe = Pipeline("parenthesized pipeline", TokenKind.RightParen);
                return pipe with { Text = _text[token.Pos.._tokens[_next - 1].Pos] + ")" };
            default:
                throw Error(token, $"unexpected {Describe(token)} in operand");
        }
    }

    private static NumberNode Number(Token token)
    {
        var text = token.Value.Replace("_", "", StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-');
        long? integer = null;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            integer = hex;
        }
        else if (digits.StartsWith("0o", StringComparison.OrdinalIgnoreCase) || (digits.Length > 1 && digits[0] == '0' && digits.All(char.IsAsciiDigit)))
        {
            try
            {
                integer = Convert.ToInt64(digits.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? digits[2..] : digits, 8);
            }
            catch (FormatException)
            {
                throw Error(token, $"illegal number syntax: \"{token.Value}\"");
            }
        }
        else if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var dec))
        {
            integer = dec;
        }

        if (integer is { } i)
        {
            return new NumberNode(token.Pos, token.Value, negative ? -i : i, negative ? -i : i);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
        {
            return new NumberNode(token.Pos, token.Value, null, f);
        }

        throw Error(token, $"bad number syntax: \"{token.Value}\"");
    }
}
