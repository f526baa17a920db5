using Slipway.Build.Context;
using Slipway.Build.Engine;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Build.Tests.Engine;

/// <summary>COPY's file semantics over plain directories: a source root (the context or a stage) and a destination
/// root (the step's tree). Owners are the current user's unless a test needs root.</summary>
public sealed class FileCopierTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-copier-");

    public void Dispose() => _dir.Delete(true);

    private string Source => Directory.CreateDirectory(Path.Join(_dir.FullName, "src")).FullName;

    private string Dest => Directory.CreateDirectory(Path.Join(_dir.FullName, "dest")).FullName;

    private static uint Me => LayerNative.EffectiveUserId;

    private string Write(string rel, string content = "content", UnixFileMode mode = (UnixFileMode)0x1A4)
    {
        var path = Path.Join(Source, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private CopySource From(params string[] ignore) => new(Source, ignore.Length == 0 ? null : PatternMatcher.Create(ignore, out _));

    private FileCopier Copier(string? chmod = null, PatternMatcher? exclude = null) =>
        new(Dest, Me, Me, chmod is null ? null : Dockerfile.Instructions.ChmodSpec.Parse(chmod, out _), exclude);

    private string InDest(string rel) => Path.Join(Dest, rel);

    private List<string> DestTree() =>
        [.. Directory.EnumerateFileSystemEntries(Dest, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(Dest, p)).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_file_goes_to_the_destination_path_or_into_it_when_it_ends_in_a_slash()
    {
        Write("app.jar", "jar");

        Copier().Copy(From(), "app.jar", "/opt/app.jar", destinationIsDir: false);
        Copier().Copy(From(), "app.jar", "/lib/", destinationIsDir: true);

        Assert.Equal("jar", File.ReadAllText(InDest("opt/app.jar")));
        Assert.Equal("jar", File.ReadAllText(InDest("lib/app.jar")));
    }

    [Fact]
    public void A_file_copied_onto_an_existing_directory_goes_inside_it()
    {
        Write("app.jar", "jar");
        Directory.CreateDirectory(InDest("opt"));

        Copier().Copy(From(), "app.jar", "/opt", destinationIsDir: false);

        Assert.Equal("jar", File.ReadAllText(InDest("opt/app.jar")));
    }

    [Fact]
    public void A_directory_brings_its_contents_not_itself()
    {
        Write("site/index.html", "index");
        Write("site/css/main.css", "css");

        Copier().Copy(From(), "site", "/srv", destinationIsDir: false);

        Assert.Equal(["srv", "srv/css", "srv/css/main.css", "srv/index.html"], DestTree());
    }

    [Fact]
    public void Modes_and_modification_times_are_kept_unless_chmod_is_given()
    {
        var script = Write("run.sh", "#!/bin/sh", (UnixFileMode)0x1ED);
        var then = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000);
        LayerNative.SetTimes(script, then, then);

        Copier().Copy(From(), "run.sh", "/kept.sh", destinationIsDir: false);
        Copier(chmod: "600").Copy(From(), "run.sh", "/chmod.sh", destinationIsDir: false);

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(InDest("kept.sh")));
        Assert.Equal(then, LayerNative.LStat(InDest("kept.sh"))!.Value.ModificationTime);
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(InDest("chmod.sh")));
    }

    [Fact]
    public void A_symlink_inside_a_copied_directory_is_copied_as_a_link_with_its_target_as_written()
    {
        Directory.CreateDirectory(Path.Join(Source, "app"));
        File.CreateSymbolicLink(Path.Join(Source, "app", "current"), "../releases/7");

        Copier().Copy(From(), "app", "/app", destinationIsDir: true);

        Assert.Equal("../releases/7", new FileInfo(InDest("app/current")).LinkTarget);
    }

    [Fact]
    public void A_destination_through_an_absolute_symlink_lands_inside_the_root_not_on_the_host()
    {
        Write("passwd", "planted");
        var outside = Directory.CreateDirectory(Path.Join(_dir.FullName, "host-etc")).FullName;
        File.CreateSymbolicLink(InDest("etc"), outside);

        Copier().Copy(From(), "passwd", "/etc/passwd", destinationIsDir: false);

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.Equal("planted", File.ReadAllText(Path.Join(Dest, outside.TrimStart('/'), "passwd")));
    }

    [Fact]
    public void A_source_path_cannot_climb_out_of_its_root()
    {
        File.WriteAllText(Path.Join(_dir.FullName, "secret"), "outside the context");
        File.CreateSymbolicLink(Path.Join(Source, "escape"), "../secret");

        var error = Assert.Throws<BuildException>(() => From().Expand("escape"));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Throws<BuildException>(() => From().Expand("../secret"));
    }

    [Fact]
    public void Inside_a_copied_directory_a_file_replaces_a_directory_and_a_directory_replaces_a_file()
    {
        Write("tree/thing", "file");
        Write("tree/sub/leaf", "leaf");
        Directory.CreateDirectory(InDest("out/thing/old"));
        File.WriteAllText(InDest("out/sub"), "old file");

        Copier().Copy(From(), "tree", "/out", destinationIsDir: true);

        Assert.Equal("file", File.ReadAllText(InDest("out/thing")));
        Assert.Equal("leaf", File.ReadAllText(InDest("out/sub/leaf")));
    }

    [Fact]
    public void Wildcards_match_in_name_order_and_ignored_files_are_neither_matched_nor_copied()
    {
        Write("a.txt");
        Write("b.txt");
        Write("c.log");
        Write("docs/keep.md");
        Write("docs/secret.md");

        var source = From("b.txt", "docs/secret.md");
        Assert.Equal(["a.txt"], source.Expand("*.txt"));
        Copier().Copy(source, "docs", "/docs", destinationIsDir: true);

        Assert.Equal(["docs", "docs/keep.md"], DestTree());
        var error = Assert.Throws<BuildException>(() => source.Expand("b.txt"));
        Assert.Equal("failed to compute cache key: failed to calculate checksum: \"/b.txt\": not found", error.Message);
    }

    [Fact]
    public void Exclude_patterns_apply_relative_to_the_source_being_copied()
    {
        Write("src/main.c");
        Write("src/main.o");
        Write("src/lib/util.o");

        var copier = Copier(exclude: PatternMatcher.Create(["*.o", "lib"], out _));
        copier.Copy(From(), "src", "/build", destinationIsDir: true);

        Assert.Equal(["build", "build/main.c"], DestTree());
        Assert.True(copier.ExcludesSource("src/main.o"));
        Assert.False(copier.ExcludesSource("src/main.c"));
    }

    [Fact]
    public void Chown_sets_the_owner_of_what_is_copied_and_of_directories_it_makes()
    {
        Capability.RequireRoot();
        Write("app/bin/run", "run");

        new FileCopier(Dest, 1000, 1001, null).Copy(From(), "app", "/home/app", destinationIsDir: true);

        foreach (var rel in (string[])["home/app", "home/app/bin", "home/app/bin/run"])
        {
            var stat = LayerNative.LStat(InDest(rel))!.Value;
            Assert.Equal((1000u, 1001u), (stat.Uid, stat.Gid));
        }
    }

    [Fact]
    public void A_fingerprint_changes_with_content_mode_or_link_target_but_not_with_mtime()
    {
        var file = Write("dir/file", "one");
        File.CreateSymbolicLink(Path.Join(Source, "dir", "link"), "file");
        string Fingerprint()
        {
            var parts = new List<string>();
            From().Fingerprint("dir", (path, fingerprint) => parts.Add(path + " " + fingerprint));
            return string.Join('\n', parts);
        }

        var first = Fingerprint();
        LayerNative.SetTimes(file, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        Assert.Equal(first, Fingerprint());

        File.WriteAllText(file, "two");
        var content = Fingerprint();
        Assert.NotEqual(first, content);

        File.SetUnixFileMode(file, (UnixFileMode)0x1C0);
        var mode = Fingerprint();
        Assert.NotEqual(content, mode);

        File.Delete(Path.Join(Source, "dir", "link"));
        File.CreateSymbolicLink(Path.Join(Source, "dir", "link"), "elsewhere");
        Assert.NotEqual(mode, Fingerprint());
    }
}
