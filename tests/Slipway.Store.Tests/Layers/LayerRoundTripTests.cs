using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Store.Tests.Layers;

[SupportedOSPlatform("linux")]
public sealed class LayerRoundTripTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("slipway-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task A_tree_written_as_a_layer_extracts_to_the_same_tree(LayerCompression compression)
    {
        Capability.RequireRoot();
        var source = BuildTree(Path.Join(_base, "src"));
        var layer = new MemoryStream();

        await LayerWriter.WriteAsync(source, layer, new LayerWriteOptions { Compression = compression }, Ct);
        layer.Position = 0;
        var target = Directory.CreateDirectory(Path.Join(_base, "dst")).FullName;
        var result = await LayerExtractor.ExtractAsync(layer, null, target, new ExtractOptions(), Ct);

        Assert.Equal(compression, result.Compression);
        Assert.Empty(result.Warnings);
        Assert.Equal(Sandbox.Describe(source), Sandbox.Describe(target));
        Assert.Equal(LayerNativeView.Inode(Path.Join(target, "bin/tool")), LayerNativeView.Inode(Path.Join(target, "bin/tool-hardlink")));
        Assert.Equal(1, result.Hardlinks);
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task The_diff_id_is_the_digest_of_the_uncompressed_tar_and_the_digest_of_the_blob(LayerCompression compression)
    {
        var source = Directory.CreateDirectory(Path.Join(_base, "src")).FullName;
        await File.WriteAllTextAsync(Path.Join(source, "hello"), "hello layer", Ct);
        var layer = new MemoryStream();

        var written = await LayerWriter.WriteAsync(source, layer, new LayerWriteOptions { Compression = compression }, Ct);

        var blob = layer.ToArray();
        Assert.Equal(Digest.Compute(blob), written.Digest);
        Assert.Equal(blob.LongLength, written.Size);
        Assert.Equal(Digest.Compute(Decompress(blob, compression)), written.DiffId);
    }

    [Fact]
    public async Task The_same_tree_gives_the_same_digest_and_no_process_id_in_headers()
    {
        var source = Directory.CreateDirectory(Path.Join(_base, "src")).FullName;
        var longName = new string('n', 150);
        await File.WriteAllTextAsync(Path.Join(source, longName), "x", Ct);
        LayerNativeView.SetXattr(Path.Join(source, longName), "user.k", "v");
        var options = new LayerWriteOptions { Compression = LayerCompression.None };

        var first = new MemoryStream();
        var a = await LayerWriter.WriteAsync(source, first, options, Ct);
        var b = await LayerWriter.WriteAsync(source, new MemoryStream(), options, Ct);

        Assert.Equal(a, b);
        var text = System.Text.Encoding.ASCII.GetString(first.ToArray());
        Assert.Contains("PaxHeaders.0/", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"PaxHeaders.{Environment.ProcessId}", text, StringComparison.Ordinal);
        first.Position = 0;
        var entry = await new TarReader(first).GetNextEntryAsync(cancellationToken: Ct);
        Assert.Equal(longName, entry!.Name);
        Assert.Equal("v", ((PaxTarEntry)entry).ExtendedAttributes["SCHILY.xattr.user.k"]);
    }

    [Fact]
    public async Task Source_date_epoch_clamps_every_mtime_and_entries_come_sorted_with_numeric_owners_only()
    {
        var source = Directory.CreateDirectory(Path.Join(_base, "src")).FullName;
        foreach (var name in new[] { "b", "a", "c/z", "c/y", "B" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Join(source, name))!);
            await File.WriteAllTextAsync(Path.Join(source, name), name, Ct);
        }

        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_000_000);
        var layer = new MemoryStream();
        await LayerWriter.WriteAsync(source, layer,
            new LayerWriteOptions { Compression = LayerCompression.None, SourceDateEpoch = epoch }, Ct);

        layer.Position = 0;
        var names = new List<string>();
        var reader = new TarReader(layer);
        while (await reader.GetNextEntryAsync(cancellationToken: Ct) is { } entry)
        {
            names.Add(entry.Name);
            Assert.Equal(epoch, entry.ModificationTime);
            Assert.Empty(((PosixTarEntry)entry).UserName);
            Assert.Empty(((PosixTarEntry)entry).GroupName);
        }

        Assert.Equal(["B", "a", "b", "c/", "c/y", "c/z"], names);
    }

    [Fact]
    public async Task Whiteouts_and_opaque_directories_round_trip_through_an_overlay_snapshot()
    {
        Capability.RequireRoot();
        var upper = Directory.CreateDirectory(Path.Join(_base, "upper")).FullName;
        LayerNativeView.MkNod(Path.Join(upper, "gone"), 0x2000, 0, 0);
        var opq = Directory.CreateDirectory(Path.Join(upper, "opq")).FullName;
        LayerNativeView.SetXattr(opq, "trusted.overlay.opaque", "y");
        await File.WriteAllTextAsync(Path.Join(opq, "new"), "new", Ct);

        var layer = new MemoryStream();
        await LayerWriter.WriteAsync(upper, layer,
            new LayerWriteOptions { Compression = LayerCompression.Gzip, OverlayWhiteouts = true }, Ct);
        var blob = layer.ToArray();
        var names = new List<string>();
        var reader = new TarReader(new MemoryStream(Decompress(blob, LayerCompression.Gzip)));
        while (await reader.GetNextEntryAsync(cancellationToken: Ct) is { } entry)
        {
            names.Add(entry.Name);
            Assert.NotEqual(TarEntryType.CharacterDevice, entry.EntryType);
        }

        Assert.Equal([".wh.gone", "opq/", "opq/.wh..wh..opq", "opq/new"], names);

        var snapshot = Directory.CreateDirectory(Path.Join(_base, "snapshot")).FullName;
        await LayerExtractor.ExtractAsync(new MemoryStream(blob), MediaTypeGzip, snapshot,
            new ExtractOptions { Whiteouts = WhiteoutMode.OverlaySnapshot }, Ct);
        Assert.Equal(Sandbox.Describe(upper), Sandbox.Describe(snapshot));

        var lower = Directory.CreateDirectory(Path.Join(_base, "lower")).FullName;
        await File.WriteAllTextAsync(Path.Join(lower, "gone"), "old", Ct);
        await File.WriteAllTextAsync(Path.Join(lower, "keep"), "old", Ct);
        Directory.CreateDirectory(Path.Join(lower, "opq/sub"));
        await File.WriteAllTextAsync(Path.Join(lower, "opq/old"), "old", Ct);
        var result = await LayerExtractor.ExtractAsync(new MemoryStream(blob), MediaTypeGzip, lower, new ExtractOptions(), Ct);

        Assert.Equal(2, result.Whiteouts);
        Assert.False(LayerNativeView.Exists(Path.Join(lower, "gone")));
        Assert.True(File.Exists(Path.Join(lower, "keep")));
        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(Path.Join(lower, "opq")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_opaque_marker_keeps_what_the_same_layer_wrote_before_it()
    {
        var root = Directory.CreateDirectory(Path.Join(_base, "root")).FullName;
        Directory.CreateDirectory(Path.Join(root, "d/sub"));
        await File.WriteAllTextAsync(Path.Join(root, "d/old"), "old", Ct);
        await File.WriteAllTextAsync(Path.Join(root, "d/sub/old"), "old", Ct);

        var layer = new TarBuilder().Dir("d/").File("d/-early").Dir("d/sub/").File("d/.wh..wh..opq", string.Empty).File("d/z");
        await LayerExtractor.ExtractAsync(layer.ToStream(), null, root, new ExtractOptions(), Ct);

        Assert.Equal(["-early", "sub", "z"], Directory.EnumerateFileSystemEntries(Path.Join(root, "d"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(root, "d/sub")));
    }

    [Fact]
    public async Task A_media_type_that_disagrees_with_the_content_is_a_warning_and_the_content_wins()
    {
        var root = Directory.CreateDirectory(Path.Join(_base, "root")).FullName;

        var result = await LayerExtractor.ExtractAsync(new TarBuilder().File("f").ToStream(), MediaTypeGzip, root,
            new ExtractOptions(), Ct);

        Assert.Equal(LayerCompression.None, result.Compression);
        Assert.Contains(result.Warnings, w => w.Contains("says Gzip but the content is None", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Join(root, "f")));
    }

    [Fact]
    public async Task Unprivileged_extraction_skips_devices_and_trusted_xattrs_with_warnings()
    {
        var root = Directory.CreateDirectory(Path.Join(_base, "root")).FullName;
        var layer = new TarBuilder()
            .Add(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3 })
            .Add(new PaxTarEntry(TarEntryType.Fifo, "pipe"))
            .Add(new PaxTarEntry(TarEntryType.RegularFile, "f", new Dictionary<string, string>
            {
                ["SCHILY.xattr.trusted.x"] = "1",
                ["SCHILY.xattr.trusted.overlay.opaque"] = "y",
                ["SCHILY.xattr.security.selinux"] = "system_u:object_r:etc_t:s0",
            }));

        var result = await LayerExtractor.ExtractAsync(layer.ToStream(), null, root,
            new ExtractOptions { Privileged = false, PreserveOwnership = false }, Ct);

        Assert.False(LayerNativeView.Exists(Path.Join(root, "null")));
        Assert.True(LayerNativeView.Exists(Path.Join(root, "pipe")));
        Assert.Empty(LayerNativeView.Xattrs(Path.Join(root, "f")));
        Assert.Equal(1, result.Skipped);
        Assert.Equal(4, result.Warnings.Count);
        Assert.Contains("layer entry 'null': device node skipped (needs root)", result.Warnings);
    }

    [Fact]
    public async Task AUFS_metadata_entries_are_skipped_with_a_warning()
    {
        var root = Directory.CreateDirectory(Path.Join(_base, "root")).FullName;
        var layer = new TarBuilder().Dir(".wh..wh.plnk/").File(".wh..wh.plnk/1234.5").File(".wh..wh.aufs").File("kept");

        var result = await LayerExtractor.ExtractAsync(layer.ToStream(), null, root, new ExtractOptions(), Ct);

        Assert.Equal(["kept"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName));
        Assert.Equal(3, result.Skipped);
        Assert.Equal(0, result.Whiteouts);
    }

    private const string MediaTypeGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    internal static byte[] Decompress(byte[] blob, LayerCompression compression)
    {
        using Stream input = compression switch
        {
            LayerCompression.Gzip => new GZipStream(new MemoryStream(blob), CompressionMode.Decompress),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(new MemoryStream(blob)),
            _ => new MemoryStream(blob),
        };
        var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Files, directories, symlinks, a hardlink, special modes, owners, xattrs, a fifo, a device,
    /// long and non-ASCII names, a uid too big for ustar, and explicit mtimes everywhere.</summary>
    private static string BuildTree(string root)
    {
        Directory.CreateDirectory(root);
        string P(string relative) => Path.Join(root, relative);
        foreach (var dir in new[] { "bin", "tmp", "etc", "etc/sgid", "dev", "var", "deep/" + new string('d', 120) })
        {
            Directory.CreateDirectory(P(dir));
        }

        File.WriteAllText(P("bin/tool"), "#!/bin/sh\necho tool\n");
        File.SetUnixFileMode(P("bin/tool"), (UnixFileMode)Convert.ToInt32("4755", 8));
        LayerNativeView.Chown(P("bin/tool"), 0, 0);
        File.SetUnixFileMode(P("bin/tool"), (UnixFileMode)Convert.ToInt32("4755", 8));
        LayerNativeView_Link(P("bin/tool"), P("bin/tool-hardlink"));
        File.SetUnixFileMode(P("tmp"), (UnixFileMode)Convert.ToInt32("1777", 8));
        File.SetUnixFileMode(P("etc/sgid"), (UnixFileMode)Convert.ToInt32("2750", 8));
        File.WriteAllText(P("etc/conf"), "key=value\n");
        File.SetUnixFileMode(P("etc/conf"), (UnixFileMode)Convert.ToInt32("640", 8));
        LayerNativeView.Chown(P("etc/conf"), 1234, 5678);
        LayerNativeView.SetXattr(P("etc/conf"), "user.note", "hello");
        File.WriteAllText(P("etc/big-uid"), "x");
        LayerNativeView.Chown(P("etc/big-uid"), 3_000_000, 3_000_001);
        File.WriteAllText(P("naïve-ünïcode.txt"), "utf-8");
        File.WriteAllText(P("deep/" + new string('d', 120) + "/" + new string('f', 90)), "long");
        File.CreateSymbolicLink(P("etc/link"), "../bin/tool");
        File.CreateSymbolicLink(P("var/run"), "/run");
        File.CreateSymbolicLink(P("long-link"), "/" + new string('t', 150));
        LayerNativeView.MkNod(P("pipe"), 0x1000 | 0x1A4, 0, 0);
        LayerNativeView.MkNod(P("dev/null2"), 0x2000 | 0x1B6, 1, 3);
        LayerNativeView.Chown(P("etc/link"), 7, 8);

        // Deepest first, so setting a child's time does not disturb its parent afterwards.
        var all = Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
        }).Concat([P("etc/link"), P("var/run"), P("long-link")]).Distinct();
        var seconds = 1_600_000_000L;
        foreach (var path in all.OrderByDescending(p => p.Length))
        {
            LayerNativeView.SetMTime(path, seconds++);
        }

        return root;
    }

    private static void LayerNativeView_Link(string existing, string newPath)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("ln", [existing, newPath]);
        using var ln = System.Diagnostics.Process.Start(psi)!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }
}
