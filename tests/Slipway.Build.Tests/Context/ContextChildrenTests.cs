using Slipway.Build.Context;
using Slipway.Build.Engine;
using Slipway.Testing;

namespace Slipway.Build.Tests.Context;

/// <summary>The walk COPY and the cache key make of the context: it never enters a folder .dockerignore excludes
/// unless an exception pattern may re-include something below it.</summary>
public sealed class ContextChildrenTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-walk-");

    public void Dispose() => _dir.Delete(true);

    private void Write(string name, string content = "x")
    {
        var path = Path.Join(_dir.FullName, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static PatternMatcher Matcher(params string[] patterns) => PatternMatcher.Create(patterns, out _)!;

    [Fact]
    public void An_excluded_directory_without_an_exception_pattern_is_not_entered()
    {
        Write("node_modules/pkg/index.js");
        Write("app.js");
        Write("b/c.log");
        Write("b/d.txt");
        Assert.Equal(["app.js", "b"], ContextWalker.Children(_dir.FullName, "", Matcher("node_modules", "**/*.log")));
        Assert.Equal(["d.txt"], ContextWalker.Children(Path.Join(_dir.FullName, "b"), "b", Matcher("node_modules", "**/*.log")));
    }

    [Fact]
    public void An_excluded_directory_is_entered_when_an_exception_may_re_include_something_below_it()
    {
        Write("dir/keep");
        Write("dir/drop");
        Write("other/file");
        var matcher = Matcher("dir", "other", "!dir/keep");
        Assert.Equal(["dir"], ContextWalker.Children(_dir.FullName, "", matcher));
        Assert.Equal(["keep"], ContextWalker.Children(Path.Join(_dir.FullName, "dir"), "dir", matcher));
    }

    [Fact]
    public void An_excluded_file_is_left_out_even_when_exceptions_exist()
    {
        Write("a.md");
        Write("README.md");
        Write("main.go");
        Assert.Equal(["README.md", "main.go"], ContextWalker.Children(_dir.FullName, "", Matcher("*.md", "!README.md")));
    }

    [Fact]
    public void Names_come_in_ordinal_order()
    {
        Write("b");
        Write("B");
        Write("a");
        Write("_");
        Assert.Equal(["B", "_", "a", "b"], ContextWalker.Children(_dir.FullName, "", null));
    }

    [Fact]
    public void A_file_re_included_below_an_excluded_directory_is_copied_and_its_siblings_are_not()
    {
        // The copy gives files to root, which only root may do.
        Capability.RequireRoot();
        Write("dir/keep");
        Write("dir/drop");
        Write("app.js");
        var dest = Directory.CreateTempSubdirectory("slipway-walk-dest-");
        try
        {
            var source = new CopySource(_dir.FullName, Matcher("dir", "!dir/keep"));
            new FileCopier(dest.FullName, 0, 0, null).Copy(source, "", "/app", destinationIsDir: true);
            var copied = Directory.EnumerateFileSystemEntries(dest.FullName, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(dest.FullName, p)).Order(StringComparer.Ordinal);
            Assert.Equal(["app", "app/app.js", "app/dir", "app/dir/keep"], copied);
        }
        finally
        {
            dest.Delete(true);
        }
    }
}
