namespace Slipway.Dockerfile.Expansion;

/// <summary>The <c>${}</c> word language of Dockerfiles, as BuildKit's shell lexer
/// (frontend/dockerfile/shell/lex.go) defines it: <c>$v</c>, <c>${v}</c>, <c>${v:-w}</c> <c>${v-w}</c>
/// <c>${v:+w}</c> <c>${v+w}</c> <c>${v:?m}</c> <c>${v?m}</c>, the trims <c>#</c> <c>##</c> <c>%</c> <c>%%</c>,
/// the replacements <c>/</c> <c>//</c>, single and double quotes, and the escape character.</summary>
/// <remarks>Immutable and safe to share; each call keeps its state in its own <see cref="ShellWord"/>.</remarks>
public sealed class ShellLex
{
    /// <param name="escapeToken">The Dockerfile's escape character: <c>\</c>, or <c>`</c> under <c># escape=`</c>.</param>
    public ShellLex(char escapeToken = '\\')
    {
        if (escapeToken is not ('\\' or '`'))
        {
            throw new ArgumentOutOfRangeException(nameof(escapeToken), escapeToken, "the escape character is \\ or `");
        }

        EscapeToken = escapeToken;
    }

    public char EscapeToken { get; }

    /// <summary>Quotes are ordinary characters (COPY/ADD heredoc bodies).</summary>
    public bool SkipProcessQuotes { get; init; }

    /// <summary>Quotes are kept in the result instead of being removed.</summary>
    public bool RawQuotes { get; init; }

    /// <summary>Escape characters are kept in the result instead of being removed.</summary>
    public bool RawEscapes { get; init; }

    /// <summary>A reference to an unset variable is left as written (<c>$v</c>, <c>${v:-w}</c>) instead of
    /// being expanded.</summary>
    public bool SkipUnsetEnv { get; init; }

    /// <summary>Expands one word: quotes removed, whitespace kept, nothing split.</summary>
    /// <param name="word">The word as written, quotes and all.</param>
    /// <param name="lookup">The value of a variable, <see langword="null"/> when it is unset.</param>
    /// <exception cref="ExpansionException">The word is malformed or a <c>${v:?m}</c> fired.</exception>
    public ExpansionResult ProcessWord(string word, Func<string, string?> lookup) => Process(word, lookup);

    /// <summary>Expands and splits into words on whitespace outside quotes and escapes (BuildKit's
    /// ProcessWords): <see cref="ExpansionResult.Words"/>. Splitting happens after expansion, so a variable
    /// holding spaces yields several words unless it is quoted.</summary>
    /// <exception cref="ExpansionException">The word is malformed or a <c>${v:?m}</c> fired.</exception>
    public ExpansionResult ProcessWords(string word, Func<string, string?> lookup) => Process(word, lookup);

    /// <summary>Expands the body of a COPY/ADD heredoc with an unquoted delimiter, as BuildKit does: always with
    /// <c>\</c> as escape character whatever the escape directive says, quotes literal, <c>\\</c> → <c>\</c>,
    /// <c>\$</c> → <c>$</c>, and <c>$v</c>/<c>${v}</c> expanded.</summary>
    /// <exception cref="ExpansionException">The body holds a malformed <c>${}</c> or a <c>${v:?m}</c> fired.</exception>
    public static ExpansionResult ProcessHeredoc(string content, Func<string, string?> lookup) =>
        HeredocLex.ProcessWord(content, lookup);

    /// <summary>A lookup over a dictionary, for callers that hold the environment as one.</summary>
    public static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return name => environment.TryGetValue(name, out var value) ? value : null;
    }

    private static readonly ShellLex HeredocLex = new('\\') { SkipProcessQuotes = true };

    private ExpansionResult Process(string word, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(lookup);
        var shellWord = new ShellWord(this, word, lookup);
        if (!shellWord.Process(out var result, out var words))
        {
            throw new ExpansionException(word, shellWord.Error!);
        }

        return new ExpansionResult(result, words, shellWord.Matched, shellWord.Unmatched);
    }
}
