using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

/// <summary>What an extraction proves about the bytes it read: the diffID of the whole uncompressed stream, and a
/// gzip member's CRC-32 and length (checked only when the trailer is read, which a tar reader that stops at the
/// end-of-archive blocks never does by itself).</summary>
[SupportedOSPlatform("linux")]
public sealed class LayerVerificationTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static byte[] Tar(params (string Name, string Content)[] files)
    {
        var builder = new TarBuilder();
        foreach (var (name, content) in files)
        {
            builder.File(name, content);
        }

        return builder.ToStream().ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private Task<ExtractResult> ExtractAsync(byte[] layer) =>
        LayerExtractor.ExtractAsync(new MemoryStream(layer), null, _box.Root, new ExtractOptions(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_diff_id_is_the_sha256_of_the_whole_uncompressed_stream_padding_after_the_archive_included()
    {
        // tar(1) pads to a 10 KiB record: zero blocks after the end-of-archive marker are part of the diffID.
        var tar = Tar(("a", "one")).Concat(new byte[10240]).ToArray();

        var result = await ExtractAsync(Gzip(tar));

        Assert.Equal(Digest.Compute(tar), result.DiffId);
        Assert.Equal(tar.Length, result.UncompressedBytes);
    }

    [Fact]
    public async Task An_uncompressed_layer_has_its_own_digest_as_diff_id()
    {
        var tar = Tar(("a", "one"));

        var result = await ExtractAsync(tar);

        Assert.Equal(Digest.Compute(tar), result.DiffId);
    }

    [Theory]
    [InlineData(8)] // a byte of the CRC-32
    [InlineData(2)] // a byte of ISIZE, the uncompressed length
    public async Task A_flipped_byte_in_the_gzip_trailer_fails_the_extraction(int fromEnd)
    {
        var layer = Gzip(Tar(("a", "one")));
        layer[^fromEnd] ^= 0x01;

        var ex = await Assert.ThrowsAsync<LayerExtractionException>(() => ExtractAsync(layer));

        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_in_the_trailer_of_a_later_gzip_member_fails_the_extraction()
    {
        // A gzip file may be several members back to back (pigz, our own parallel writer); each has a trailer.
        var tar = Tar(("a", new string('x', 5000)), ("b", "two"));
        var layer = Gzip(tar[..4096]).Concat(Gzip(tar[4096..])).ToArray();
        Assert.Equal(Digest.Compute(tar), (await ExtractAsync(layer)).DiffId);
        layer[^8] ^= 0x01;

        await Assert.ThrowsAsync<LayerExtractionException>(() => ExtractAsync(layer));
    }

    [Fact]
    public async Task A_flipped_byte_in_compressed_file_data_fails_the_extraction()
    {
        var random = new byte[64 * 1024];
        new Random(12).NextBytes(random);
        var tar = Tar(("a", Convert.ToBase64String(random)));
        var layer = Gzip(tar);
        layer[layer.Length / 2] ^= 0x01;

        await Assert.ThrowsAsync<LayerExtractionException>(() => ExtractAsync(layer));
    }

    [Fact]
    public async Task Content_other_than_what_a_diff_id_names_hashes_to_its_own_diff_id()
    {
        var genuine = Tar(("bin/sh", "busybox"));
        var poisoned = Tar(("bin/sh", "busybox"), ("POISONED", "yes"));

        var result = await ExtractAsync(Gzip(poisoned));

        Assert.NotEqual(Digest.Compute(genuine), result.DiffId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(poisoned)), result.DiffId.Hex);
    }
}
