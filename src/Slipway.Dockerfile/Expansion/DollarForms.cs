namespace Slipway.Dockerfile.Expansion;

/// <summary>BuildKit's processDollar: <c>$name</c> and every <c>${…}</c> form. The cursor sits on the
/// <c>$</c> when <see cref="Process"/> is called.</summary>
internal static class DollarForms
{
    private const int Eof = -1;
    private const string MissingBrace = "syntax error: missing '}'";

    public static bool Process(ShellWord sw, out string value)
    {
        sw.NextChar();

        if (sw.PeekChar() != '{')
        {
            var bare = sw.ReadName();
            if (bare.Length == 0)
            {
                // A $ that starts no name is literal ("$", "$.", "a$").
                value = "$";
                return true;
            }

            var found = sw.LookupVariable(bare);
            value = found is null && sw.Lex.SkipUnsetEnv ? "$" + bare : found ?? string.Empty;
            return true;
        }

        sw.NextChar();
        switch (sw.PeekChar())
        {
            case Eof:
                return sw.Failed(MissingBrace, out value);
            case '{' or '}' or ':':
                return sw.Failed("syntax error: bad substitution", out value);
        }

        var name = sw.ReadName();
        var ch = sw.NextChar();
        var modifier = ShellWord.RuneText(ch);

        switch (ch)
        {
            case '}':
                var plain = sw.LookupVariable(name);
                value = plain is null && sw.Lex.SkipUnsetEnv ? $"${{{name}}}" : plain ?? string.Empty;
                return true;
            case ':' or '+' or '-' or '?' or '#' or '%':
                var nullIsUnset = false;
                if (ch == ':')
                {
                    nullIsUnset = true;
                    ch = sw.NextChar();
                    modifier += ShellWord.RuneText(ch);
                }

                return Modifier(sw, name, ch, modifier, nullIsUnset, out value);
            case '/':
                return Replace(sw, name, out value);
            default:
                return sw.Failed(Unsupported(modifier), out value);
        }
    }

    private static bool Modifier(ShellWord sw, string name, int ch, string modifier, bool nullIsUnset, out string value)
    {
        // Patterns keep their escapes so that \* and \? stay literal in the matcher.
        var rawEscapes = ch is '#' or '%';
        if (nullIsUnset && rawEscapes)
        {
            return sw.Failed(Unsupported(modifier), out value);
        }

        if (!sw.ReadUntil('}', rawEscapes, out var word))
        {
            return sw.PeekChar() == Eof ? sw.Failed(MissingBrace, out value) : sw.Failed(sw.Error!, out value);
        }

        var current = sw.LookupVariable(name);
        var set = current is not null;
        current ??= string.Empty;
        if (sw.Lex.SkipUnsetEnv && !set)
        {
            value = $"${{{name}{modifier}{word}}}";
            return true;
        }

        var unsetOrNull = !set || (nullIsUnset && current.Length == 0);
        switch (ch)
        {
            case '-':
                value = unsetOrNull ? word : current;
                return true;
            case '+':
                value = unsetOrNull ? string.Empty : word;
                return true;
            case '?':
                if (!set)
                {
                    return sw.Failed($"{name}: {(word.Length != 0 ? word : "is not allowed to be unset")}", out value);
                }

                if (nullIsUnset && current.Length == 0)
                {
                    return sw.Failed($"{name}: {(word.Length != 0 ? word : "is not allowed to be empty")}", out value);
                }

                value = current;
                return true;
            case '%' or '#':
                // One # or % takes the shortest match, two the longest. The doubling is seen after expansion,
                // so ${v#$p} with p="#x" is greedy too, as in BuildKit.
                var greedy = word.Length > 0 && word[0] == ch;
                var pattern = CodePoints.From(greedy ? word[1..] : word);
                var text = CodePoints.From(current);
                string? error;
                value = ch == '%'
                    ? PatternOperations.TrimSuffix(pattern, text, greedy, out error)
                    : PatternOperations.TrimPrefix(pattern, text, greedy, out error);
                return error is null || sw.Failed(error, out value);
            default:
                return sw.Failed(Unsupported(modifier), out value);
        }
    }

    private static bool Replace(ShellWord sw, string name, out string value)
    {
        var all = sw.PeekChar() == '/';
        if (all)
        {
            sw.NextChar();
        }

        if (!sw.ReadUntil('/', rawEscapes: true, out var pattern))
        {
            return sw.PeekChar() == Eof
                ? sw.Failed("syntax error: missing '/' in ${}", out value)
                : sw.Failed(sw.Error!, out value);
        }

        if (!sw.ReadUntil('}', rawEscapes: true, out var replacement))
        {
            return sw.PeekChar() == Eof ? sw.Failed(MissingBrace, out value) : sw.Failed(sw.Error!, out value);
        }

        var current = sw.LookupVariable(name);
        if (sw.Lex.SkipUnsetEnv && current is null)
        {
            value = $"${{{name}/{pattern}/{replacement}}}";
            return true;
        }

        value = PatternOperations.Replace(
            CodePoints.From(current ?? string.Empty),
            CodePoints.From(pattern),
            CodePoints.From(replacement),
            all,
            out var error);
        return error is null || sw.Failed(error, out value);
    }

    private static string Unsupported(string modifier) => $"unsupported modifier ({modifier}) in substitution";
}
