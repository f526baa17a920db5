using Slipway.Oci;

namespace Slipway.Store.Tests;

/// <summary>Blobs damaged on disk after they were stored: the read paths that pass a blob on notice.</summary>
public sealed class BlobVerificationTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<Digest> StoreFlippedAsync(byte[] content, int at)
    {
        var (digest, _) = await _temp.Blobs.WriteAsync(new MemoryStream(content), cancellationToken: Token);
        var path = _temp.Store.Layout.BlobPath(digest);
        var bytes = await File.ReadAllBytesAsync(path, Token);
        bytes[at] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Token);
        return digest;
    }

    [Fact]
    public async Task A_verified_read_of_an_intact_blob_reads_it_whole()
    {
        var content = new byte[300_000];
        new Random(3).NextBytes(content);
        var (digest, _) = await _temp.Blobs.WriteAsync(new MemoryStream(content), cancellationToken: Token);

        await using var stream = _temp.Blobs.OpenVerifiedRead(digest);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Token);

        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task A_verified_read_can_start_over_from_the_beginning_as_a_new_upload_session_does()
    {
        var content = new byte[300_000];
        new Random(4).NextBytes(content);
        var (digest, _) = await _temp.Blobs.WriteAsync(new MemoryStream(content), cancellationToken: Token);
        await using var stream = _temp.Blobs.OpenVerifiedRead(digest);
        var partial = new byte[100_000];
        await stream.ReadExactlyAsync(partial, Token);

        stream.Position = 0;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Token);

        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task A_verified_read_of_a_blob_with_one_flipped_byte_fails_naming_both_digests()
    {
        var content = new byte[300_000];
        new Random(4).NextBytes(content);
        var digest = await StoreFlippedAsync(content, 150_000);

        await using var stream = _temp.Blobs.OpenVerifiedRead(digest);
        var ex = await Assert.ThrowsAsync<BlobCorruptException>(() => stream.CopyToAsync(Stream.Null, Token));

        Assert.Equal(digest, ex.Digest);
        Assert.Contains($"blob {digest} in the content store is corrupt: its content hashes to {ex.Actual}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_that_stops_at_the_blobs_length_is_still_told()
    {
        var digest = await StoreFlippedAsync("hello world"u8.ToArray(), 0);

        await using var stream = _temp.Blobs.OpenVerifiedRead(digest);
        var buffer = new byte[stream.Length];

        await Assert.ThrowsAsync<BlobCorruptException>(async () => await stream.ReadExactlyAsync(buffer, Token));
    }

    [Fact]
    public async Task Reading_a_corrupt_manifest_or_config_whole_fails()
    {
        var digest = await StoreFlippedAsync("""{"schemaVersion":2}"""u8.ToArray(), 3);

        await Assert.ThrowsAsync<BlobCorruptException>(() => _temp.Blobs.ReadAllBytesAsync(digest, Token));
    }

    [Fact]
    public async Task The_digest_a_blob_actually_has_is_computed_from_its_content()
    {
        var digest = await StoreFlippedAsync("hello"u8.ToArray(), 0);

        Assert.Equal(Digest.Compute("iello"u8), await _temp.Blobs.ComputeDigestAsync(digest, Token));
        Assert.Null(await _temp.Blobs.ComputeDigestAsync(Digest.Compute("absent"u8), Token));
    }
}
