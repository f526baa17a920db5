using System.Text;
using Slipway.Insight.Sbom;

namespace Slipway.Insight.Tests.Sbom;

public class GoBuildInfoTests
{
    // The sentinels the Go linker wraps module info in (cmd/go's infoStart and infoEnd); not valid UTF-8.
    private static readonly byte[] InfoStart = Convert.FromHexString("3077af0c9274080241e1c107e6d618e6");
    private static readonly byte[] InfoEnd = Convert.FromHexString("f932433186182072008242104116d8f2");

    private const string ModInfo =
        "path\texample.com/web\n" +
        "mod\texample.com/web\t(devel)\t\n" +
        "dep\tgithub.com/a/b\tv1.2.3\th1:abc=\n" +
        "dep\tgolang.org/x/text\tv0.3.0\th1:old=\n" +
        "=>\tgolang.org/x/text\tv0.14.0\th1:new=\n" +
        "build\t-compiler=gc\n";

    /// <summary>The bytes of a Go 1.18+ .go.buildinfo section: 32-byte header (magic, pointer size 8, flags 0x2),
    /// then varint-prefixed version and module info.</summary>
    private static byte[] Blob(string version, string modinfo)
    {
        var blob = new List<byte>();
        blob.AddRange([0xff, .. " Go buildinf:"u8]);
        blob.Add(8);
        blob.Add(2);
        blob.AddRange(new byte[16]);
        AddString(blob, Encoding.UTF8.GetBytes(version));
        AddString(blob, [.. InfoStart, .. Encoding.UTF8.GetBytes(modinfo), .. InfoEnd]);
        return [.. blob];
    }

    private static void AddString(List<byte> blob, byte[] value)
    {
        var n = (uint)value.Length;
        while (n >= 0x80)
        {
            blob.Add((byte)(n | 0x80));
            n >>= 7;
        }

        blob.Add((byte)n);
        blob.AddRange(value);
    }

    [Fact]
    public void Build_info_gives_the_go_version_main_module_and_replaced_dependencies()
    {
        var info = GoBuildInfoReader.Decode(Blob("go1.19.8", ModInfo));

        Assert.NotNull(info);
        Assert.Equal("go1.19.8", info.GoVersion);
        Assert.Equal("example.com/web", info.Path);
        Assert.Equal("example.com/web", info.Main!.Path);
        Assert.Equal(["github.com/a/b@v1.2.3", "golang.org/x/text@v0.14.0"], info.Deps.Select(d => $"{d.Path}@{d.Version}"));
    }

    [Fact]
    public async Task The_header_is_found_in_a_stream_past_a_chunk_boundary_and_after_a_decoy()
    {
        // An ELF-looking file with the magic as a bare string literal first (as in binaries that import
        // debug/buildinfo), and the real header straddling the 64 KiB read size.
        var file = new List<byte> { 0x7f, (byte)'E', (byte)'L', (byte)'F' };
        file.AddRange(new byte[1000]);
        file.AddRange([0xff, .. " Go buildinf:"u8]);
        file.AddRange(new byte[(1 << 16) - file.Count - 5]);
        file.AddRange(Blob("go1.22.1", ModInfo));
        file.AddRange(new byte[5000]);
        using var stream = new MemoryStream([.. file]);

        var packages = await new GoBinaryCataloger().ReadAsync("app/server", stream, new ImageFacts(), CancellationToken.None);

        Assert.Contains(packages, p => p.Purl == "pkg:golang/stdlib@go1.22.1" && p.Name == "stdlib");
        Assert.Contains(packages, p => p.Purl == "pkg:golang/github.com/a/b@v1.2.3");
        Assert.Contains(packages, p => p.Purl == "pkg:golang/example.com/web");
    }

    [Fact]
    public async Task A_file_that_is_not_elf_is_not_searched()
    {
        using var stream = new MemoryStream([.. "#!/bin/sh\n"u8.ToArray(), .. Blob("go1.22.1", ModInfo)]);

        Assert.Empty(await new GoBinaryCataloger().ReadAsync("usr/bin/script", stream, new ImageFacts(), CancellationToken.None));
    }
}
