namespace Slipway.Dockerfile.Expansion;

/// <summary>BuildKit's processDollar: <c>$name</c> and every <c>${…}</c> form. The cursor sits on the
/// <c>$</c> when <see cref="Process"/> is called.</summary>
internal static class DollarForms
{
    private const int Eof = -1;
    private const string MissingBrace = "syntax error: missing '}'";

    public static bool Process(ShellWord sw, out string value)
    {
        sw.Next();

        if (sw.Peek() != '{')
        {
            var bare = sw.ProcessName();
            if (bare.Length == 0)
            {
                // A $ that starts no name is literal ("$", "$.", "a$").
                value = "$";
                return true;
            }

            var found = sw.GetEnv(bare);
            value = found is null && sw.Lex.SkipUnsetEnv ? "$" + bare : found ?? string.Empty;
            return true;
        }

        sw.Next();
        switch (sw.Peek())
        {
            case Eof:
                return sw.Fail(MissingBrace, out value);
            case '{' or '}' or ':':
                return sw.Fail("syntax error: bad substitution", out value);
        }

        var name = sw.ProcessName();
        var ch = sw.Next();
        var modifier = ShellWord.RuneText(ch);

        switch (ch)
        {
            case '}':
                var plain = sw.GetEnv(name);
                value = plain is null && sw.Lex.SkipUnsetEnv ? $"${{{name}}}" : plain ?? string.Empty;
                return true;
            case ':' or '+' or '-' or '?' or '#' or '%':
                var nullIsUnset = false;
                if (ch == ':')
                {
                    nullIsUnset = true;
                    ch = sw.Next();
                    modifier += ShellWord.RuneText(ch);
                }

                return Modifier(sw, name, ch, modifier, nullIsUnset, out value);
            case '/':
                return Replace(sw, name, out value);
            default:
                return sw.Fail(Unsupported(modifier), out value);
        }
    }

    private static bool Modifier(ShellWord sw, string name, int ch, string modifier, bool nullIsUnset, out string value)
    {
        // Patterns keep their escapes so that \* and \? stay literal in the matcher.
        var rawEscapes = ch is '#' or '%';
        if (nullIsUnset && rawEscapes)
        {
            return sw.Fail(Unsupported(modifier), out value);
        }

        if (!sw.ProcessStopOn('}', rawEscapes, out var word, out _))
        {
            return sw.Peek() == Eof ? sw.Fail(MissingBrace, out value) : sw.Fail(sw.Error!, out value);
        }

        var current = sw.GetEnv(name);
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
                    return sw.Fail($"{name}: {(word.Length != 0 ? word : "is not allowed to be unset")}", out value);
                }

                if (nullIsUnset && current.Length == 0)
                {
                    return sw.Fail($"{name}: {(word.Length != 0 ? word : "is not allowed to be empty")}", out value);
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
                return error is null || sw.Fail(error, out value);
            default:
                return sw.Fail(Unsupported(modifier), out value);
        }
    }

    private static bool Replace(ShellWord sw, string name, out string value)
    {
        var all = sw.Peek() == '/';
        if (all)
        {
            sw.Next();
        }

        if (!sw.ProcessStopOn('/', rawEscapes: true, out var pattern, out _))
        {
            return sw.Peek() == Eof
                ? sw.Fail("syntax error: missing '/' in ${}", out value)
                : sw.Fail(sw.Error!, out value);
        }

        if (!sw.ProcessStopOn('}', rawEscapes: true, out var replacement, out _))
        {
            return sw.Peek() == Eof ? sw.Fail(MissingBrace, out value) : sw.Fail(sw.Error!, out value);
        }

        var current = sw.GetEnv(name);
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
        return error is null || sw.Fail(error, out value);
    }

    private static string Unsupported(string modifier) => $"unsupported modifier ({modifier}) in substitution";
}
