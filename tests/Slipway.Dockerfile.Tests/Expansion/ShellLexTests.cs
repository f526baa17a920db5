using Slipway.Dockerfile.Expansion;

namespace Slipway.Dockerfile.Tests.Expansion;

public sealed class ShellLexTests
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["A"] = "abc",
        ["EMPTY"] = string.Empty,
        ["PATHV"] = "/usr/local/bin:/usr/bin",
        ["FILE"] = "archive.tar.gz",
        ["SPACE"] = "a b  c",
        ["LINES"] = "x\ny",
    };

    private static readonly Func<string, string?> Lookup = ShellLex.Lookup(Environment);

    [Theory]
    [InlineData("$A", "abc")]
    [InlineData("${A}", "abc")]
    [InlineData("pre${A}post", "preabcpost")]
    [InlineData("$A-x", "abc-x")]
    [InlineData("$UNSET", "")]
    [InlineData("${UNSET}", "")]
    [InlineData("$", "$")]
    [InlineData("a$", "a$")]
    [InlineData("$.x", "$.x")]
    [InlineData("$1x", "x")]
    [InlineData("${1:-one}", "one")]
    [InlineData("$$", "")]
    public void A_variable_reference_expands_to_its_value_or_nothing(string word, string expected) =>
        Assert.Equal(expected, new ShellLex().ProcessWord(word, Lookup).Word);

    [Theory]
    [InlineData("${UNSET:-dflt}", "dflt")]
    [InlineData("${EMPTY:-dflt}", "dflt")]
    [InlineData("${A:-dflt}", "abc")]
    [InlineData("${UNSET-dflt}", "dflt")]
    [InlineData("${EMPTY-dflt}", "")]
    [InlineData("${A:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET+alt}", "")]
    [InlineData("${A?msg}", "abc")]
    [InlineData("${EMPTY?msg}", "")]
    [InlineData("${A:?msg}", "abc")]
    [InlineData("${UNSET:-${A}x}", "abcx")]
    [InlineData("${UNSET:-'${A}'}", "${A}")]
    [InlineData("${A:+-${A}}", "-abc")]
    public void A_default_alternative_or_required_form_follows_set_and_empty(string word, string expected) =>
        Assert.Equal(expected, new ShellLex().ProcessWord(word, Lookup).Word);

    [Theory]
    [InlineData("${FILE#*.}", "tar.gz")]
    [InlineData("${FILE##*.}", "gz")]
    [InlineData("${FILE%.*}", "archive.tar")]
    [InlineData("${FILE%%.*}", "archive")]
    [InlineData("${FILE#a?c}", "hive.tar.gz")]
    [InlineData("${FILE#nomatch}", "archive.tar.gz")]
    [InlineData("${FILE%\\*}", "archive.tar.gz")]
    [InlineData("${FILE#[a]}", "archive.tar.gz")]
    [InlineData("${LINES#*}", "x\ny")]
    [InlineData("${LINES##*}", "\ny")]
    [InlineData("${A#$UNSET}", "abc")]
    public void A_trim_removes_the_shortest_or_longest_matching_prefix_or_suffix(string word, string expected) =>
        Assert.Equal(expected, new ShellLex().ProcessWord(word, Lookup).Word);

    [Theory]
    [InlineData("${PATHV/bin/sbin}", "/usr/local/sbin:/usr/bin")]
    [InlineData("${PATHV//bin/sbin}", "/usr/local/sbin:/usr/sbin")]
    [InlineData("${FILE/a?c/X}", "Xhive.tar.gz")]
    [InlineData("${FILE/*./}", "gz")]
    [InlineData("${FILE//[a]/X}", "archive.tar.gz")]
    [InlineData("${FILE//\\//X}", "archive.tar.gz")]
    [InlineData("${UNSET//a/b}", "")]
    // Replace-all goes through Go's ReplaceAllString, whose replacement expands $0 to the match;
    // replace-first splices the replacement in literally.
    [InlineData("${FILE//a/\\$0}", "\\archive.t\\ar.gz")]
    [InlineData("${FILE/a/\\$0}", "\\$0rchive.tar.gz")]
    [InlineData("${A//*/X}", "X")]
    [InlineData("${A//x*/X}", "abc")]
    public void A_replacement_substitutes_the_first_or_every_match(string word, string expected) =>
        Assert.Equal(expected, new ShellLex().ProcessWord(word, Lookup).Word);

    [Theory]
    [InlineData("'$A'", "$A")]
    [InlineData("\"$A\"", "abc")]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"a\\b\"", "a\\b")]
    [InlineData("a\\ b", "a b")]
    [InlineData("\\$A", "$A")]
    [InlineData("a\\", "a")]
    [InlineData("\"'$A'\"", "'abc'")]
    [InlineData("'\"$A\"'", "\"$A\"")]
    public void Quotes_and_the_escape_character_protect_text(string word, string expected) =>
        Assert.Equal(expected, new ShellLex().ProcessWord(word, Lookup).Word);

    [Theory]
    [InlineData("a`$A", "a$A")]
    [InlineData("a\\b", "a\\b")]
    [InlineData("\"a`\"b\"", "a\"b")]
    [InlineData("C:\\dir\\$A", "C:\\dir\\abc")]
    public void A_backtick_escape_directive_makes_backslash_ordinary(string word, string expected) =>
        Assert.Equal(expected, new ShellLex('`').ProcessWord(word, Lookup).Word);

    [Theory]
    [InlineData("${UNSET:?}", "failed to process \"${UNSET:?}\": UNSET: is not allowed to be unset")]
    [InlineData("${UNSET?}", "failed to process \"${UNSET?}\": UNSET: is not allowed to be unset")]
    [InlineData("${EMPTY:?}", "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty")]
    [InlineData("${UNSET?needs $A}", "failed to process \"${UNSET?needs $A}\": UNSET: needs abc")]
    [InlineData("${A:=x}", "failed to process \"${A:=x}\": unsupported modifier (:=) in substitution")]
    [InlineData("${A=x}", "failed to process \"${A=x}\": unsupported modifier (=) in substitution")]
    [InlineData("${A:#x}", "failed to process \"${A:#x}\": unsupported modifier (:#) in substitution")]
    [InlineData("${A", "failed to process \"${A\": unsupported modifier (\uFFFD) in substitution")]
    [InlineData("${A:-x", "failed to process \"${A:-x\": syntax error: missing '}'")]
    [InlineData("${", "failed to process \"${\": syntax error: missing '}'")]
    [InlineData("${}", "failed to process \"${}\": syntax error: bad substitution")]
    [InlineData("${:-x}", "failed to process \"${:-x}\": syntax error: bad substitution")]
    [InlineData("${A/x", "failed to process \"${A/x\": syntax error: missing '/' in ${}")]
    [InlineData("${A/x/y", "failed to process \"${A/x/y\": syntax error: missing '}'")]
    [InlineData("${A#\\x}", "failed to process \"${A#\\\\x}\": invalid pattern (\\x) in substitution: invalid escape '\\x'")]
    [InlineData("'abc", "failed to process \"'abc\": unexpected end of statement while looking for matching single-quote")]
    [InlineData("\"abc", "failed to process \"\\\"abc\": unexpected end of statement while looking for matching double-quote")]
    [InlineData("${A:-${UNSET:?}}", "failed to process \"${A:-${UNSET:?}}\": UNSET: is not allowed to be unset")]
    [InlineData("${A:-${UNSET:?}", "failed to process \"${A:-${UNSET:?}\": syntax error: missing '}'")]
    [InlineData("\t${}", "failed to process \"\\t${}\": syntax error: bad substitution")]
    public void A_malformed_word_fails_with_BuildKits_message(string word, string message)
    {
        var error = Assert.Throws<ExpansionException>(() => new ShellLex().ProcessWord(word, Lookup));
        Assert.Equal(message, error.Message);
        Assert.Equal(word, error.Word);
    }

    [Fact]
    public void Matched_and_unmatched_name_the_variables_that_were_set_and_unset()
    {
        var result = new ShellLex().ProcessWord("${A}${UNSET:-$EMPTY}$1", Lookup);
        Assert.Equal(["A", "EMPTY"], result.Matched.Order(StringComparer.Ordinal));
        Assert.Equal(["1", "UNSET"], result.Unmatched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_variable_inside_single_quotes_is_not_looked_up()
    {
        var result = new ShellLex().ProcessWord("'$A'", Lookup);
        Assert.Empty(result.Matched);
        Assert.Empty(result.Unmatched);
    }

    [Theory]
    [InlineData("a \"b c\" d", new[] { "a", "b c", "d" })]
    [InlineData("$SPACE", new[] { "a", "b", "c" })]
    [InlineData("\"$SPACE\"", new[] { "a b  c" })]
    [InlineData("x$SPACE", new[] { "xa", "b", "c" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("  a\t\tb  ", new[] { "a", "b" })]
    [InlineData("\"\"", new string[0])]
    [InlineData("'' x", new[] { "x" })]
    [InlineData("${UNSET:-p q}", new[] { "p", "q" })]
    public void ProcessWords_splits_on_whitespace_outside_quotes_after_expansion(string word, string[] expected) =>
        Assert.Equal(expected, new ShellLex().ProcessWords(word, Lookup).Words);

    [Theory]
    [InlineData("echo \"$A\" '${A}'\n", "echo \"abc\" 'abc'\n")]
    [InlineData("\\$A \\\\ \\\n", "$A \\ \n")]
    [InlineData("it's\n", "it's\n")]
    public void A_heredoc_body_keeps_quotes_and_expands_variables(string body, string expected) =>
        Assert.Equal(expected, ShellLex.ProcessHeredoc(body, Lookup).Word);

    [Fact]
    public void SkipUnsetEnv_leaves_references_to_unset_variables_as_written()
    {
        var lex = new ShellLex { SkipUnsetEnv = true };
        Assert.Equal("$UNSET ${UNSET} ${UNSET:-x} ${UNSET/a/b} abc", lex.ProcessWord("$UNSET ${UNSET} ${UNSET:-x} ${UNSET/a/b} $A", Lookup).Word);
    }

    [Fact]
    public void RawQuotes_and_RawEscapes_keep_quotes_and_escapes_in_the_result()
    {
        var lex = new ShellLex { RawQuotes = true, RawEscapes = true };
        Assert.Equal("'$A' \"abc\" \\$", lex.ProcessWord("'$A' \"$A\" \\$", Lookup).Word);
    }

    [Fact]
    public void A_pattern_that_would_backtrack_exponentially_finishes_quickly()
    {
        var environment = new Dictionary<string, string> { ["V"] = new string('a', 2000), ["P"] = "*a*a*a*a*a*a*b" };
        var result = new ShellLex().ProcessWord("${V/$P/x}${V%%$P}", ShellLex.Lookup(environment));
        Assert.Equal(4000, result.Word.Length);
    }

    [Fact]
    public void A_long_value_and_a_long_pattern_are_matched_without_a_table_of_their_product()
    {
        var environment = new Dictionary<string, string> { ["V"] = new string('a', 200_000), ["P"] = new string('a', 30) };
        var result = new ShellLex().ProcessWord("${V//$P/b}", ShellLex.Lookup(environment));
        Assert.Equal(new string('b', 6666) + new string('a', 20), result.Word);
    }

    [Fact]
    public void Only_backslash_and_backtick_are_escape_characters() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShellLex('x'));
}
