using Slipway.Build.Context;

namespace Slipway.Build.Tests.Context;

public sealed class ContextIgnoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-ctx-");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, string content)
    {
        var path = Path.Join(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void A_Dockerfile_specific_ignore_file_wins_over_the_contexts()
    {
        Write(".dockerignore", "foo\n");
        var dockerfile2 = Write("Dockerfile2", "FROM scratch\n");
        Write("Dockerfile2.dockerignore", "bar\n");
        var matcher = ContextIgnore.Load(_dir.FullName, dockerfile2, out _)!;
        Assert.True(matcher.MatchesOrParentMatches("bar"));
        Assert.False(matcher.MatchesOrParentMatches("foo"));

        var general = ContextIgnore.Load(_dir.FullName, Write("Dockerfile", "FROM scratch\n"), out _)!;
        Assert.True(general.MatchesOrParentMatches("foo"));
    }

    [Fact]
    public void A_lone_exclamation_mark_fails_with_BuildKits_words()
    {
        Write(".dockerignore", "!\n");
        Assert.Null(ContextIgnore.Load(_dir.FullName, null, out var error));
        Assert.Equal("failed to parse .dockerignore: illegal exclusion pattern: \"!\"", error);
    }

    [Fact]
    public void Symlinks_in_the_context_stay_symlinks_and_are_not_followed()
    {
        Directory.CreateDirectory(Path.Join(_dir.FullName, "real"));
        Write("real/file", "x");
        File.CreateSymbolicLink(Path.Join(_dir.FullName, "link"), "real");
        File.CreateSymbolicLink(Path.Join(_dir.FullName, "out"), "/etc");
        var entries = ContextWalker.Walk(_dir.FullName, PatternMatcher.Empty).Select(e => $"{e.Type} {e.Path}").ToList();
        Assert.Equal(["Symlink link", "Symlink out", "Directory real", "File real/file"], entries);
    }

    [Fact]
    public void An_excluded_directory_without_exceptions_is_not_walked()
    {
        Directory.CreateDirectory(Path.Join(_dir.FullName, "node_modules/pkg"));
        Write("node_modules/pkg/index.js", "x");
        Write("app.js", "x");
        var matcher = PatternMatcher.Create(["node_modules"], out _)!;
        var entries = ContextWalker.Walk(_dir.FullName, matcher).Select(e => e.Path).ToList();
        Assert.Equal(["app.js"], entries);
    }
}
