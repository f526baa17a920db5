using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Build.Tests.Engine;

/// <summary>What keys a <c>COPY --from=&lt;stage&gt;</c>: the fingerprints of the entries it takes (never their
/// mtime), remembered by the stage's layers and the copy's sources.</summary>
public sealed class StageFingerprintsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-stagefp-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Root => Directory.CreateDirectory(Path.Join(_dir, "root")).FullName;

    private Dictionary<string, string> Fingerprint(params string[] rels)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var source = new CopySource(Root, null);
        foreach (var rel in rels.SelectMany(source.Expand))
        {
            source.Fingerprint(rel, (path, fingerprint) => files["/" + path] = fingerprint);
        }

        return files;
    }

    private static LayerRef Layer(char c)
    {
        var digest = Digest.Parse("sha256:" + new string(c, 64));
        return new LayerRef(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = digest, Size = 1 }, digest);
    }

    [Fact]
    public void A_new_mtime_with_the_same_bytes_keeps_the_fingerprint()
    {
        var file = Path.Join(Root, "app");
        File.WriteAllText(file, "binary");
        var before = Fingerprint("app");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-3));
        File.WriteAllText(file, "binary");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(2));

        Assert.Equal(before, Fingerprint("app"));
    }

    [Fact]
    public void Content_mode_and_link_target_each_change_the_fingerprint()
    {
        var file = Path.Join(Root, "out", "app");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "one");
        File.SetUnixFileMode(file, (UnixFileMode)0x1A4);
        File.CreateSymbolicLink(Path.Join(Root, "out", "link"), "app");
        var first = Fingerprint("out");

        File.WriteAllText(file, "two");
        var content = Fingerprint("out");
        File.SetUnixFileMode(file, (UnixFileMode)0x1ED);
        var mode = Fingerprint("out");
        File.Delete(Path.Join(Root, "out", "link"));
        File.CreateSymbolicLink(Path.Join(Root, "out", "link"), "../app");
        var link = Fingerprint("out");

        Assert.NotEqual(first["/out/app"], content["/out/app"]);
        Assert.NotEqual(content["/out/app"], mode["/out/app"]);
        Assert.StartsWith("f 755 ", mode["/out/app"], StringComparison.Ordinal);
        Assert.Equal(mode["/out/app"], link["/out/app"]);
        Assert.StartsWith("l 777 ", link["/out/link"], StringComparison.Ordinal);
        Assert.EndsWith(" ../app", link["/out/link"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_owner_changes_the_fingerprint()
    {
        Capability.RequireRoot();
        var file = Path.Join(Root, "app");
        File.WriteAllText(file, "x");
        var before = Fingerprint("app");
        LayerNative.LChown(file, 1000, 1001);

        Assert.NotEqual(before, Fingerprint("app"));
        Assert.Contains(" 1000:1001 ", Fingerprint("app")["/app"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_wildcard_takes_what_it_matches_and_nothing_else()
    {
        File.WriteAllText(Path.Join(Root, "a.bin"), "a");
        File.WriteAllText(Path.Join(Root, "b.bin"), "b");
        File.WriteAllText(Path.Join(Root, "c.txt"), "c");

        Assert.Equal(["/a.bin", "/b.bin"], Fingerprint("*.bin").Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_memo_id_changes_with_the_layers_and_the_sources_only()
    {
        var id = StageFingerprints.Id([Layer('a'), Layer('b')], ["/out/app"]);

        Assert.True(StageFingerprints.IsId(id));
        Assert.Equal(id, StageFingerprints.Id([Layer('a'), Layer('b')], ["/out/app"]));
        Assert.NotEqual(id, StageFingerprints.Id([Layer('a'), Layer('c')], ["/out/app"]));
        Assert.NotEqual(id, StageFingerprints.Id([Layer('b'), Layer('a')], ["/out/app"]));
        Assert.NotEqual(id, StageFingerprints.Id([Layer('a'), Layer('b')], ["/out/*"]));
    }

    [Fact]
    public void A_memo_misses_until_saved_and_then_reads_back_whole()
    {
        var memos = new StageFingerprints(_dir);
        var id = StageFingerprints.Id([Layer('a')], ["/"]);
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/"] = "d",
            ["/out/app"] = "f 755 0:0 " + new string('1', 64),
            ["/out/odd name"] = "l 777 0:0 ../x y",
        };

        Assert.Null(memos.Load(id));
        memos.Save(id, files);

        Assert.Equal(files, memos.Load(id));
        Assert.Null(memos.Load(StageFingerprints.Id([Layer('b')], ["/"])));
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("slipway.stagefiles.v1\0/a\0")]
    [InlineData("slipway.stagefiles.v1\0/a\0not a fingerprint\0")]
    [InlineData("other\0/a\0f 644 0:0 x\0")]
    public void A_torn_or_foreign_memo_is_no_memo(string text) =>
        Assert.Null(StageFingerprints.Parse(System.Text.Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData("relative/path", "f 644 0:0 abc")]
    [InlineData("/nul\0inside", "f 644 0:0 abc")]
    [InlineData("/a", "not a fingerprint")]
    public void An_imported_memo_with_a_bad_entry_is_refused(string path, string fingerprint) =>
        Assert.Null(StageFingerprints.FromImport(new Dictionary<string, string> { [path] = fingerprint }));

    [Fact]
    public void A_good_imported_memo_is_taken_as_is() =>
        Assert.Equal("f 644 0:0 abc", StageFingerprints.FromImport(new Dictionary<string, string> { ["/a"] = "f 644 0:0 abc", ["/"] = "d" })!["/a"]);

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF")]
    public void An_id_that_is_not_a_sha256_never_names_a_file(string id)
    {
        Assert.False(StageFingerprints.IsId(id));
        Assert.Null(new StageFingerprints(_dir).Load(id));
    }
}
