using Slipway.Oci;

namespace Slipway.Store.Tests;

public class BlobStoreTests : IDisposable
{
    private readonly TempStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_blob_is_stored_under_its_digest_and_reads_back()
    {
        var content = "hello"u8.ToArray();
        var (digest, size) = await _temp.Blobs.WriteAsync(new MemoryStream(content), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Digest.Compute(content), digest);
        Assert.Equal(5, size);
        Assert.True(_temp.Blobs.Exists(digest));
        Assert.Equal(5, _temp.Blobs.GetSize(digest));
        Assert.Equal(content, await _temp.Blobs.ReadAllBytesAsync(digest, TestContext.Current.CancellationToken));
        Assert.True(File.Exists(Path.Join(_temp.Root, "blobs", "sha256", digest.Hex)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(_temp.Root, "ingest")));
    }

    [Fact]
    public async Task Content_with_the_wrong_digest_is_refused_and_nothing_becomes_visible()
    {
        var claimed = Digest.Compute("something else"u8);
        await Assert.ThrowsAsync<BlobVerificationException>(() =>
            _temp.Blobs.WriteAsync(new MemoryStream("hello"u8.ToArray()), 5, claimed, TestContext.Current.CancellationToken));
        Assert.False(_temp.Blobs.Exists(claimed));
        Assert.False(_temp.Blobs.Exists(Digest.Compute("hello"u8)));
        Assert.Empty(_temp.Blobs.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(_temp.Root, "ingest")));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public async Task Content_of_the_wrong_size_is_refused_and_nothing_becomes_visible(long expectedSize)
    {
        var digest = Digest.Compute("hello"u8);
        var error = await Assert.ThrowsAsync<BlobVerificationException>(() =>
            _temp.Blobs.WriteAsync(new MemoryStream("hello"u8.ToArray()), expectedSize, digest, TestContext.Current.CancellationToken));
        Assert.Contains("size mismatch", error.Message, StringComparison.Ordinal);
        Assert.False(_temp.Blobs.Exists(digest));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(_temp.Root, "ingest")));
    }

    [Fact]
    public async Task A_write_in_progress_is_only_an_ingest_file()
    {
        var writer = _temp.Blobs.OpenWriter();
        await writer.WriteAsync("partial"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.True(File.Exists(writer.IngestPath));
        Assert.Empty(_temp.Blobs.List());
        await writer.DisposeAsync();
        Assert.False(File.Exists(writer.IngestPath));
    }

    [Fact]
    public async Task A_writer_rewound_to_the_start_keeps_only_what_is_written_after()
    {
        // A download whose server ignores Range starts the blob over in the same ingest file.
        var content = "the whole blob"u8.ToArray();
        await using var writer = _temp.Blobs.OpenWriter(content.Length, Digest.Compute(content));
        await writer.WriteAsync("the wh"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.True(writer.CanSeek);

        writer.Position = 0;
        writer.SetLength(0);
        await writer.WriteAsync(content, TestContext.Current.CancellationToken);
        var (digest, size) = await writer.CommitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(content.Length, size);
        Assert.Equal(content, await _temp.Blobs.ReadAllBytesAsync(digest, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_writer_cannot_seek_anywhere_but_the_start()
    {
        await using var writer = _temp.Blobs.OpenWriter();
        await writer.WriteAsync("partial"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Throws<NotSupportedException>(() => writer.Position = 3);
        Assert.Throws<NotSupportedException>(() => writer.SetLength(3));
        Assert.Equal(7, writer.Position);
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_blob_all_succeed()
    {
        var content = new byte[256 * 1024];
        new Random(7).NextBytes(content);
        var expected = Digest.Compute(content);
        var writes = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            _temp.Blobs.WriteAsync(new MemoryStream(content), content.Length, expected, TestContext.Current.CancellationToken)));
        var results = await Task.WhenAll(writes);
        Assert.All(results, r => Assert.Equal(expected, r.Digest));
        Assert.Equal(content, await _temp.Blobs.ReadAllBytesAsync(expected, TestContext.Current.CancellationToken));
        Assert.Single(_temp.Blobs.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(_temp.Root, "ingest")));
    }

    [Fact]
    public void Reading_a_missing_blob_names_the_digest()
    {
        var digest = Digest.Compute("absent"u8);
        var error = Assert.Throws<BlobNotFoundException>(() => _temp.Blobs.OpenRead(digest));
        Assert.Equal(digest, error.Digest);
        Assert.Null(_temp.Blobs.GetSize(digest));
    }

    [Fact]
    public void Only_sha256_blobs_are_accepted() =>
        Assert.Throws<NotSupportedException>(() => _temp.Blobs.OpenWriter(expectedDigest: Digest.Parse("sha512:" + new string('a', 128))));

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_root_is_created_owner_only_with_the_documented_layout()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_temp.Root));
        foreach (var dir in new[] { "blobs/sha256", "ingest", "leases", "snapshots" })
        {
            Assert.True(Directory.Exists(Path.Join(_temp.Root, dir)), dir);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Reopening_an_existing_store_tightens_its_mode()
    {
        File.SetUnixFileMode(_temp.Root, (UnixFileMode)0x1ED); // 0755
        LocalStore.Open(_temp.Root, TimeProvider.System);
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(_temp.Root)); // 0700
    }
}
