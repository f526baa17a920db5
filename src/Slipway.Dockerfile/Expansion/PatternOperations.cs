namespace Slipway.Dockerfile.Expansion;

/// <summary>The four trims and two replacements of <c>${}</c>, as BuildKit's trimPrefix, trimSuffix and the
/// <c>/</c> case of processDollar compute them. Errors come back as BuildKit's message.</summary>
internal static class PatternOperations
{
    public static string TrimPrefix(int[] pattern, int[] value, bool greedy, out string? error)
    {
        var compiled = ShellPattern.Compile(pattern, greedy, out var compileError);
        if (compiled is null)
        {
            error = InvalidPattern(pattern, compileError!);
            return string.Empty;
        }

        error = null;
        var from = compiled.Find(value, 0, anchored: true, out _, out var end) ? end : 0;
        return ToString(value, from, value.Length);
    }

    /// <summary>Regular expressions cannot find the shortest rightmost match, so BuildKit reverses both the
    /// pattern (keeping each escape in front of what it escapes) and the value, and trims a prefix.</summary>
    public static string TrimSuffix(int[] pattern, int[] value, bool greedy, out string? error)
    {
        var reversedValue = (int[])value.Clone();
        Array.Reverse(reversedValue);
        var trimmed = TrimPrefix(ReversePattern(pattern), reversedValue, greedy, out error);
        if (error is not null)
        {
            return string.Empty;
        }

        var runes = CodePoints.From(trimmed);
        Array.Reverse(runes);
        return ToString(runes, 0, runes.Length);
    }

    public static string Replace(int[] value, int[] pattern, int[] replacement, bool all, out string? error)
    {
        var compiled = ShellPattern.Compile(pattern, greedy: true, out var compileError);
        if (compiled is null)
        {
            error = InvalidPattern(pattern, compileError!);
            return string.Empty;
        }

        error = null;
        if (all)
        {
            return compiled.ReplaceAll(value, replacement);
        }

        if (!compiled.Find(value, 0, anchored: false, out var start, out var end))
        {
            return ToString(value, 0, value.Length);
        }

        // The first replacement is spliced in literally: no template expansion, unlike the replace-all case.
        var sb = new System.Text.StringBuilder();
        ShellPattern.Append(sb, value, 0, start);
        ShellPattern.Append(sb, replacement, 0, replacement.Length);
        ShellPattern.Append(sb, value, end, value.Length);
        return sb.ToString();
    }

    internal static int[] ReversePattern(int[] pattern)
    {
        var output = new int[pattern.Length];
        var lastIdx = pattern.Length - 1;
        for (var i = 0; i <= lastIdx;)
        {
            var tok = pattern[i];
            var outIdx = lastIdx - i;
            if (tok == '\\' && i != lastIdx)
            {
                output[outIdx - 1] = tok;
                output[outIdx] = pattern[i + 1];
                i += 2;
            }
            else
            {
                output[outIdx] = tok;
                i++;
            }
        }

        return output;
    }

    private static string InvalidPattern(int[] pattern, string reason) =>
        $"invalid pattern ({ToString(pattern, 0, pattern.Length)}) in substitution: {reason}";

    private static string ToString(int[] runes, int from, int to)
    {
        var sb = new System.Text.StringBuilder(to - from);
        ShellPattern.Append(sb, runes, from, to);
        return sb.ToString();
    }
}

/// <summary>Strings as Go ranges over them: Unicode scalar values, with U+FFFD for what does not decode.</summary>
internal static class CodePoints
{
    public static int[] From(string text)
    {
        var result = new List<int>(text.Length);
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            System.Text.Rune.DecodeFromUtf16(span, out var rune, out var consumed);
            result.Add(rune.Value);
            span = span[consumed..];
        }

        return [.. result];
    }
}
