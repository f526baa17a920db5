using System.Diagnostics;
using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Store.Tests.Layers;

/// <summary>Our layers read by GNU tar, GNU tar's archives read by us, and PAX records as the format defines.</summary>
[SupportedOSPlatform("linux")]
public sealed class TarInteropTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("slipway-interop-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_pax_record_length_counts_its_own_digits()
    {
        var records = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["mtime"] = Encoding.ASCII.GetBytes("1350244992.023960108"),
            ["path"] = Encoding.ASCII.GetBytes(new string('a', 91)), // 98 bytes + 2 digits = 100: needs 3 digits
        };

        var text = Encoding.ASCII.GetString(PaxHeader.Encode(records));

        Assert.Equal("30 mtime=1350244992.023960108\n101 path=" + new string('a', 91) + "\n", text);
    }

    [Fact]
    public async Task GNU_tar_reads_our_layer_with_long_names_owners_and_xattrs()
    {
        var tar = Capability.RequireTool("tar");
        var source = Directory.CreateDirectory(Path.Join(_base, "src")).FullName;
        var longDir = Path.Join(source, new string('d', 110));
        Directory.CreateDirectory(longDir);
        await File.WriteAllTextAsync(Path.Join(longDir, "ünïcode"), "content", Ct);
        LayerNativeView.SetXattr(Path.Join(longDir, "ünïcode"), "user.k", "v");
        File.CreateSymbolicLink(Path.Join(source, "link"), "/" + new string('t', 120));
        var layerPath = Path.Join(_base, "layer.tar");
        await using (var layer = File.Create(layerPath))
        {
            await LayerWriter.WriteAsync(source, layer, new LayerWriteOptions { Compression = LayerCompression.None }, Ct);
        }

        var listing = Run(tar, "--numeric-owner", "-tvf", layerPath);

        Assert.Contains(new string('d', 110) + "/ünïcode", listing, StringComparison.Ordinal);
        Assert.Contains("link -> /" + new string('t', 120), listing, StringComparison.Ordinal);
        Assert.DoesNotContain("PaxHeaders", listing, StringComparison.Ordinal);
        Assert.Contains("user.k=v", Run(tar, "--xattrs", "--xattrs-include=*", "-tvvf", layerPath) + Xattrs(tar, layerPath),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_GNU_tar_gzip_layer_extracts_to_the_same_tree()
    {
        var tar = Capability.RequireTool("tar");
        var source = Directory.CreateDirectory(Path.Join(_base, "src")).FullName;
        Directory.CreateDirectory(Path.Join(source, "dir/sub"));
        await File.WriteAllTextAsync(Path.Join(source, "dir/sub/file"), "x", Ct);
        File.CreateSymbolicLink(Path.Join(source, "dir/link"), "sub/file");
        var layerPath = Path.Join(_base, "layer.tar.gz");
        Run(tar, "--format=pax", "--numeric-owner", "-czf", layerPath, "-C", source, ".");
        var target = Directory.CreateDirectory(Path.Join(_base, "dst")).FullName;

        await using var layer = File.OpenRead(layerPath);
        var result = await LayerExtractor.ExtractAsync(layer, null, target, new ExtractOptions(), Ct);

        Assert.Equal(LayerCompression.Gzip, result.Compression);
        Assert.Equal(Sandbox.Describe(source), Sandbox.Describe(target));
    }

    [Fact]
    public async Task A_file_capability_is_applied_and_a_value_damaged_in_reading_is_refused_with_a_warning()
    {
        Capability.RequireRoot();
        byte[] netRaw = [0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] setuid = [0x01, 0x00, 0x00, 0x02, 0x80, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var layer = new MemoryStream();
        var writer = new TarWriter(layer, TarEntryFormat.Ustar, leaveOpen: true);
        foreach (var (name, value) in new[] { ("ping", netRaw), ("su", setuid) })
        {
            var records = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
            {
                ["SCHILY.xattr.security.capability"] = value,
            };
            await PaxHeader.WriteAsync(layer, name, records, Ct); // binary values need our own PAX writer
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = (UnixFileMode)0x1ED,
            });
        }

        await writer.DisposeAsync();
        layer.Position = 0;
        var target = Directory.CreateDirectory(Path.Join(_base, "dst")).FullName;
        var result = await LayerExtractor.ExtractAsync(layer, null, target, new ExtractOptions(), Ct);

        Assert.Equal(netRaw, LayerNative.GetXattr(Path.Join(target, "ping"), "security.capability"));
        Assert.Null(LayerNative.GetXattr(Path.Join(target, "su"), "security.capability"));
        Assert.Contains(result.Warnings, w => w.Contains("'su'", StringComparison.Ordinal) &&
                                              w.Contains("binary value could not be read intact", StringComparison.Ordinal));
    }

    private string Xattrs(string tar, string layerPath)
    {
        var dir = Directory.CreateDirectory(Path.Join(_base, "gnu-extract")).FullName;
        Run(tar, "--xattrs", "--xattrs-include=user.*", "-xf", layerPath, "-C", dir);
        var file = Directory.EnumerateFiles(dir, "ünïcode", SearchOption.AllDirectories).Single();
        return "user.k=" + LayerNativeView.Xattr(file, "user.k");
    }

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
        return output;
    }
}

