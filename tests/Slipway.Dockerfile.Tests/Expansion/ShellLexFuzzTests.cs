using System.Diagnostics;
using System.Text;
using Slipway.Dockerfile.Expansion;

namespace Slipway.Dockerfile.Tests.Expansion;

public sealed class ShellLexFuzzTests
{
    // Weighted towards the characters that mean something, with some that test code-point handling:
    // a Korean syllable, an emoji (a surrogate pair in .NET), a lone surrogate, a byte order mark and NUL.
    private static readonly string[] Pieces =
    [
        "$", "$", "{", "{", "}", "}", ":", "-", "+", "?", "#", "%", "/", "/", "\\", "\\", "`", "'", "\"",
        "*", "[", "]", "=", ".", "a", "A", "B", "_", "0", "1", " ", "\t", "\n", "한", "😀", "\ud800", "\ufeff", "\0",
        "${A", "${B:-", "${A#", "${A//", "${A%%", "$A", "${E:?",
    ];

    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["A"] = "a*b?c\\d}/e $0 x\ny",
        ["B"] = "#%",
        ["E"] = string.Empty,
        ["_"] = "😀한",
    };

    [Fact]
    public void A_hundred_thousand_random_words_raise_nothing_but_ExpansionException()
    {
        var random = new Random(20_261_123);
        var lookup = ShellLex.Lookup(Environment);
        ShellLex[] lexers =
        [
            new('\\'),
            new('`'),
            new('\\') { SkipProcessQuotes = true },
            new('\\') { SkipUnsetEnv = true, RawQuotes = true },
            new('`') { RawEscapes = true },
        ];
        var word = new StringBuilder();
        var failures = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 100_000; i++)
        {
            word.Clear();
            var length = random.Next(0, 16);
            for (var j = 0; j < length; j++)
            {
                word.Append(Pieces[random.Next(Pieces.Length)]);
            }

            var text = word.ToString();
            var lex = lexers[i % lexers.Length];
            try
            {
                var result = i % 2 == 0 ? lex.ProcessWord(text, lookup) : lex.ProcessWords(text, lookup);
                Assert.NotNull(result.Word);
                Assert.DoesNotContain(result.Words, w => w.Length == 0);
            }
            catch (ExpansionException e)
            {
                failures++;
                Assert.StartsWith("failed to process \"", e.Message, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is not Xunit.Sdk.IAssertionException)
            {
                Assert.Fail($"word {i} ({Quote(text)}) with lexer {i % lexers.Length} threw {e}");
            }
        }

        stopwatch.Stop();
        Assert.InRange(failures, 1, 99_999);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }

    private static string Quote(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
