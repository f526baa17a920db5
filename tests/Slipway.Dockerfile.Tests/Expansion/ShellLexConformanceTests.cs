using System.Text.Json;
using Slipway.Dockerfile.Expansion;

namespace Slipway.Dockerfile.Tests.Expansion;

/// <summary>Runs BuildKit's own shell vectors (envVarTest, wordsTest, lex_extra.json) against ShellLex.
/// Each test checks every row and reports all failures at once.</summary>
public sealed class ShellLexConformanceTests
{
    private static readonly Dictionary<string, string> EnvVarTestEnvironment = new(StringComparer.Ordinal)
    {
        ["PWD"] = "/home",
        ["SHELL"] = "bash",
        ["KOREAN"] = "한국어",
        ["NULL"] = string.Empty,
    };

    [Fact]
    public void Every_all_platform_and_unix_row_of_envVarTest_expands_as_BuildKit_does()
    {
        var path = Slipway.Testing.Conformance.Require("shell/envVarTest");
        var lex = new ShellLex();
        var failures = new List<string>();
        var run = 0;
        var windowsOnly = 0;
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            lineNumber++;
            if (raw.StartsWith('#'))
            {
                continue;
            }

            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('|');
            Assert.Equal(3, fields.Length);
            var platform = fields[0].Trim();
            var source = fields[1].Trim();
            var expected = fields[2].Trim();

            // W rows are Windows-only: BuildKit compares variable names case-insensitively on Windows
            // (equal_env_windows.go), so $pwd finds PWD there. Slipway builds Linux images and compares names
            // exactly, as equal_env_unix.go does, which the U rows check.
            if (platform == "W")
            {
                windowsOnly++;
                continue;
            }

            Assert.Contains(platform, new[] { "A", "U" });
            run++;
            var outcome = Expand(() => lex.ProcessWord(source, ShellLex.Lookup(EnvVarTestEnvironment)).Word);
            if (outcome != expected)
            {
                failures.Add($"line {lineNumber}: {source} → {outcome}, expected {expected}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(228, run);
        Assert.Equal(2, windowsOnly);
    }

    [Fact]
    public void Every_row_of_wordsTest_splits_into_the_words_BuildKit_gives()
    {
        var path = Slipway.Testing.Conformance.Require("shell/wordsTest");
        var lex = new ShellLex();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var failures = new List<string>();
        var run = 0;
        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNumber++;
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                // Everything after the first '=' is the value, trailing spaces included; the last one wins.
                var entry = line[3..].TrimStart(' ');
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                environment[eq < 0 ? entry : entry[..eq]] = eq < 0 ? string.Empty : entry[(eq + 1)..];
                continue;
            }

            var fields = line.Split('|');
            Assert.Equal(2, fields.Length);
            var source = fields[0].Trim();
            var expected = string.Join(",", fields[1].TrimStart(' ').Split(','));
            run++;
            var outcome = Expand(() => string.Join(",", lex.ProcessWords(source, ShellLex.Lookup(environment)).Words));
            if (outcome != expected)
            {
                failures.Add($"line {lineNumber}: {source} → [{outcome}], expected [{expected}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(24, run);
    }

    [Fact]
    public void Every_case_of_lex_extra_gives_BuildKits_result_and_variable_sets()
    {
        var path = Slipway.Testing.Conformance.Require("shell/lex_extra.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var failures = new List<string>();
        var run = 0;
        foreach (var set in document.RootElement.GetProperty("sets").EnumerateObject())
        {
            var options = set.Value.GetProperty("options");
            var skipQuotes = options.TryGetProperty("skip_process_quotes", out var sq) && sq.GetBoolean();
            Assert.Equal(options.EnumerateObject().Count(), skipQuotes ? 1 : 0);
            var lex = new ShellLex { SkipProcessQuotes = skipQuotes };
            foreach (var vector in set.Value.GetProperty("cases").EnumerateArray())
            {
                run++;
                var failure = Check(set.Name, lex, skipQuotes, vector);
                if (failure is not null)
                {
                    failures.Add(failure);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(run >= 60, $"only {run} cases ran");
    }

    private static string? Check(string set, ShellLex lex, bool heredoc, JsonElement vector)
    {
        var word = vector.GetProperty("word").GetString()!;
        var environment = vector.GetProperty("env").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var lookup = ShellLex.Lookup(environment);
        var label = $"{set}: {word}";
        try
        {
            var result = lex.ProcessWord(word, lookup);
            if (heredoc && ShellLex.ProcessHeredoc(word, lookup).Word != result.Word)
            {
                return $"{label}: ProcessHeredoc differs from SkipProcessQuotes";
            }

            if (vector.TryGetProperty("error", out var error) && error.GetBoolean())
            {
                return $"{label}: expected an error, got {result.Word}";
            }

            var expected = vector.GetProperty("result").GetString();
            if (result.Word != expected)
            {
                return $"{label}: got {result.Word}, expected {expected}";
            }

            return SameNames(label, "matched", vector, result.Matched) ?? SameNames(label, "unmatched", vector, result.Unmatched);
        }
        catch (ExpansionException e)
        {
            if (!vector.TryGetProperty("error", out var error) || !error.GetBoolean())
            {
                return $"{label}: unexpected error {e.Message}";
            }

            if (vector.TryGetProperty("error_contains", out var contains) && !e.Message.Contains(contains.GetString()!, StringComparison.Ordinal))
            {
                return $"{label}: error {e.Message} lacks {contains.GetString()}";
            }

            return null;
        }
    }

    private static string? SameNames(string label, string property, JsonElement vector, IReadOnlySet<string> actual)
    {
        if (!vector.TryGetProperty(property, out var names))
        {
            return null;
        }

        var expected = names.EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);
        return actual.SetEquals(expected)
            ? null
            : $"{label}: {property} [{string.Join(",", actual.Order(StringComparer.Ordinal))}], expected [{string.Join(",", expected.Order(StringComparer.Ordinal))}]";
    }

    private static string Expand(Func<string> expand)
    {
        try
        {
            return expand();
        }
        catch (ExpansionException)
        {
            return "error";
        }
    }
}
