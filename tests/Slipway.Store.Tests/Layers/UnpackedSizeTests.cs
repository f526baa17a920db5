using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

/// <summary>A layer's SIZE as docker measures it once applied: file contents and link targets, not tar headers.</summary>
[SupportedOSPlatform("linux")]
public sealed class UnpackedSizeTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A 1000-byte file, a 24-byte file, a link to "target-of-11" (12 bytes), a hard link, a directory and a
    /// whiteout: 1036 bytes, where the tar is 6144.</summary>
    internal static byte[] Tar()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "dir/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dir/a") { DataStream = new MemoryStream(new byte[1000]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "b") { DataStream = new MemoryStream(new byte[24]) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "target-of-11" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "hard") { LinkName = "b" });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dir/.wh.gone"));
        }

        return tar.ToArray();
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    [Fact]
    public async Task Counts_file_contents_and_link_targets_and_nothing_else()
    {
        var tar = Tar();
        var (size, diffId) = await UnpackedSize.CountAsync(new MemoryStream(Gzip(tar)), TestContext.Current.CancellationToken);
        Assert.Equal(1036, size);
        Assert.Equal(Digest.Compute(tar), diffId);
    }

    [Fact]
    public async Task A_layer_listed_without_a_record_is_counted_once_and_remembered()
    {
        var ct = TestContext.Current.CancellationToken;
        var tar = Tar();
        var blob = await _temp.Blobs.WriteAsync(MediaTypes.OciLayerGzip, Gzip(tar), ct);
        var layer = new LayerRef(blob, Digest.Compute(tar));
        Assert.Null(_temp.Store.LayerSizes.Find(layer.DiffId));

        Assert.Equal(1036, await _temp.Store.LayerSizes.GetAsync(layer, ct));
        Assert.Equal(1036, _temp.Store.LayerSizes.Find(layer.DiffId));
        Assert.Equal("1036\n", await File.ReadAllTextAsync(Path.Join(_temp.Root, "layer-sizes", layer.DiffId.Hex), ct));
    }

    [Fact]
    public async Task A_blob_that_is_not_its_diffID_is_counted_but_not_recorded()
    {
        var ct = TestContext.Current.CancellationToken;
        var blob = await _temp.Blobs.WriteAsync(MediaTypes.OciLayerGzip, Gzip(Tar()), ct);
        var layer = new LayerRef(blob, Digest.Compute("something else"u8.ToArray()));
        Assert.Equal(1036, await _temp.Store.LayerSizes.GetAsync(layer, ct));
        Assert.Null(_temp.Store.LayerSizes.Find(layer.DiffId));
    }

    [Fact]
    public async Task A_layer_whose_blob_is_absent_has_no_size()
    {
        var layer = new LayerRef(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute([1]), Size = 1 }, Digest.Compute([2]));
        Assert.Null(await _temp.Store.LayerSizes.GetAsync(layer, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Writing_a_layer_counts_what_docker_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("slipway-unpacked-");
        try
        {
            await File.WriteAllBytesAsync(Path.Join(dir.FullName, "a"), new byte[300], ct);
            Directory.CreateDirectory(Path.Join(dir.FullName, "sub"));
            await File.WriteAllBytesAsync(Path.Join(dir.FullName, "sub", "b"), new byte[700], ct);
            File.CreateSymbolicLink(Path.Join(dir.FullName, "l"), "/etc/passwd");
            using var output = new MemoryStream();
            var written = await LayerWriter.WriteAsync(dir.FullName, output, new LayerWriteOptions(), ct);
            Assert.Equal(300 + 700 + "/etc/passwd".Length, written.UnpackedSize);
            var (counted, _) = await UnpackedSize.CountAsync(new MemoryStream(output.ToArray()), ct);
            Assert.Equal(written.UnpackedSize, counted);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
