using Slipway.Dockerfile.Expansion;

namespace Slipway.Dockerfile.Tests.Expansion;

public sealed class ShellPatternTests
{
    [Theory]
    [InlineData("\\", "invalid escape '\\\uFFFD'")]
    [InlineData("\\x", "invalid escape '\\x'")]
    [InlineData("\\\\\\", "invalid escape '\\\uFFFD'")]
    public void An_escape_of_anything_but_star_question_mark_or_backslash_is_invalid(string pattern, string error)
    {
        Assert.Null(ShellPattern.Compile(CodePoints.From(pattern), greedy: true, out var message));
        Assert.Equal(error, message);
    }

    [Theory]
    [InlineData("*", "xyz", true, 3)]
    [InlineData("*", "xyz", false, 0)]
    [InlineData("?", "xyz", true, 1)]
    [InlineData("\\*", "*yz", true, 1)]
    [InlineData("\\}x", "}x", true, 2)]
    [InlineData("\\/x", "/x", true, 2)]
    [InlineData("()[]{}^$.|+", "()[]{}^$.|+!", true, 11)]
    [InlineData("*", "ab\ncd", true, 2)]
    [InlineData("?", "\n", true, -1)]
    [InlineData("a*b", "axbxb", true, 5)]
    [InlineData("a*b", "axbxb", false, 3)]
    [InlineData("?", "😀x", true, 1)]
    public void An_anchored_match_ends_where_Go_regexp_would_end_it(string pattern, string text, bool greedy, int end)
    {
        var compiled = ShellPattern.Compile(CodePoints.From(pattern), greedy, out _)!;
        var found = compiled.Find(CodePoints.From(text), 0, anchored: true, out _, out var actualEnd);
        Assert.Equal(end, found ? actualEnd : -1);
    }

    [Theory]
    [InlineData("a", "banana", "[$0]", "b[a]n[a]n[a]")]
    [InlineData("*", "abc", "-", "-")]
    [InlineData("", "abc", "-", "-a-b-c-")]
    [InlineData("x*", "axxbx", "-", "a-")]
    [InlineData("a", "aa", "$$${0}$1$x$", "$a$$a$")]
    public void Replace_all_follows_Go_ReplaceAllString_for_empty_matches_and_templates(string pattern, string text, string replacement, string expected)
    {
        var compiled = ShellPattern.Compile(CodePoints.From(pattern), greedy: true, out _)!;
        Assert.Equal(expected, compiled.ReplaceAll(CodePoints.From(text), CodePoints.From(replacement)));
    }

    [Theory]
    [InlineData("a\\*c", "c\\*a")]
    [InlineData("\\\\\\ab", "b\\a\\\\")]
    [InlineData("ab\\", "\\ba")]
    [InlineData("👽\\🚀🖖", "🖖\\🚀👽")]
    [InlineData("\\\\b", "b\\\\")]
    public void A_pattern_reverses_with_each_escape_kept_before_what_it_escapes(string pattern, string reversed)
    {
        var result = PatternOperations.ReversePattern(CodePoints.From(pattern));
        Assert.Equal(reversed, string.Concat(result.Select(char.ConvertFromUtf32)));
    }
}
