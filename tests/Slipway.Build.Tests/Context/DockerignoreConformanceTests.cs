using System.Text.Json;
using Slipway.Build.Context;
using Slipway.Testing;

namespace Slipway.Build.Tests.Context;

/// <summary>moby/patternmatcher's and fsutil's tables from ../shared/conformance/dockerignore.</summary>
public class DockerignoreConformanceTests
{
    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Join(Conformance.Require("dockerignore"), file))).RootElement;

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void Every_MatchesOrParentMatches_row_gives_upstreams_answer()
    {
        var failures = new List<string>();
        foreach (var c in Load("patternmatcher_matches.json").GetProperty("cases").EnumerateArray())
        {
            if (c.TryGetProperty("platform", out var platform) && platform.GetString() is not ("unix" or "linux"))
            {
                continue;
            }

            var patterns = Strings(c.GetProperty("patterns"));
            var path = c.GetProperty("path").GetString()!;
            var matcher = PatternMatcher.Create(patterns, out var error);
            var actual = matcher?.MatchesOrParentMatches(path);
            var expected = c.GetProperty("matched").GetBoolean();
            if (actual != expected)
            {
                failures.Add($"{string.Join(",", patterns)} ~ {path}: expected {expected}, got {actual?.ToString() ?? error}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Every_filepath_Match_row_gives_upstreams_answer_or_error()
    {
        var failures = new List<string>();
        foreach (var c in Load("patternmatcher_match.json").GetProperty("cases").EnumerateArray())
        {
            Check(c, failures);
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void The_small_upstream_tests_give_upstreams_answers()
    {
        var root = Load("patternmatcher_misc.json");
        var failures = new List<string>();
        foreach (var c in root.GetProperty("matches").EnumerateArray())
        {
            Check(c, failures);
        }

        foreach (var c in root.GetProperty("new").EnumerateArray())
        {
            var matcher = PatternMatcher.Create(Strings(c.GetProperty("patterns")), out _);
            var name = c.GetProperty("name").GetString();
            if (c.TryGetProperty("error", out _) != (matcher is null))
            {
                failures.Add($"{name}: error expectation differs");
            }
            else if (c.TryGetProperty("count", out var count) && matcher!.Patterns.Count != count.GetInt32())
            {
                failures.Add($"{name}: count {matcher.Patterns.Count}");
            }
            else if (c.TryGetProperty("exclusions", out var exclusions) && matcher!.HasExceptions != exclusions.GetBoolean())
            {
                failures.Add($"{name}: exclusions {matcher.HasExceptions}");
            }
        }

        foreach (var c in root.GetProperty("read_ignore_file").EnumerateArray())
        {
            var patterns = IgnoreFile.Parse(c.GetProperty("content").GetString()!);
            Assert.Equal(Strings(c.GetProperty("patterns")), patterns);
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void The_context_walk_sends_what_BuildKit_sends()
    {
        foreach (var c in Load("context_walk.json").GetProperty("cases").EnumerateArray())
        {
            var dir = Directory.CreateTempSubdirectory("slipway-ctx-");
            try
            {
                foreach (var node in c.GetProperty("tree").EnumerateArray())
                {
                    var full = Path.Join(dir.FullName, node.GetProperty("path").GetString());
                    if (node.GetProperty("type").GetString() == "dir")
                    {
                        Directory.CreateDirectory(full);
                    }
                    else
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                        File.WriteAllText(full, "x");
                    }
                }

                var patterns = c.TryGetProperty("ignore_file", out var ignoreFile)
                    ? IgnoreFile.Parse(ignoreFile.GetString()!)
                    : Strings(c.GetProperty("exclude_patterns"));
                Assert.Equal(Strings(c.GetProperty("exclude_patterns")), patterns);
                var matcher = PatternMatcher.Create(patterns, out var error) ?? throw new InvalidOperationException(error);
                var entries = ContextWalker.Walk(dir.FullName, matcher)
                    .Select(e => (e.Type == ContextEntryType.Directory ? "dir " : "file ") + e.Path)
                    .ToList();
                Assert.Equal(Strings(c.GetProperty("entries")), entries);
            }
            finally
            {
                dir.Delete(true);
            }
        }
    }

    private static void Check(JsonElement c, List<string> failures)
    {
        var patterns = Strings(c.GetProperty("patterns"));
        var path = c.GetProperty("path").GetString()!;
        var matcher = PatternMatcher.Create(patterns, out var error);
        var label = c.TryGetProperty("name", out var n) ? n.GetString() : string.Join(",", patterns) + " ~ " + path;
        if (c.TryGetProperty("error", out var expectedError))
        {
            if (matcher is not null || error != expectedError.GetString())
            {
                failures.Add($"{label}: expected error {expectedError.GetString()}, got {error ?? "no error"}");
            }

            return;
        }

        // The package-level Matches cleans the path and never matches ".".
        var cleaned = GoPath.Clean(path);
        var actual = matcher is not null && cleaned != "." && matcher.MatchesOrParentMatches(cleaned);
        if (matcher is null || actual != c.GetProperty("matched").GetBoolean())
        {
            failures.Add($"{label}: expected {c.GetProperty("matched").GetBoolean()}, got {(matcher is null ? error : actual)}");
        }
    }
}
