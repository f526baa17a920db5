using System.Security.Cryptography;
using Slipway.Oci;

namespace Slipway.Store;

/// <summary>A write-only stream into <c>ingest/</c> that hashes (sha256) and counts while it writes.
/// <see cref="CommitAsync"/> verifies, fsyncs and renames into <c>blobs/</c>; until then the content is not
/// visible under any digest. Disposing without committing deletes the temp file. The temp file is flock'd while
/// the writer has it open, so a collection can tell a write in progress from one a dead process left.</summary>
public sealed class BlobWriteStream : Stream
{
    private readonly StoreLayout _layout;
    private readonly long? _expectedSize;
    private readonly Digest? _expectedDigest;
    private readonly Lease? _lease;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly FileStream _file;
    private long _written;
    private bool _committed;

    internal BlobWriteStream(StoreLayout layout, long? expectedSize, Digest? expectedDigest, Lease? lease)
    {
        _layout = layout;
        _expectedSize = expectedSize;
        _expectedDigest = expectedDigest;
        _lease = lease;
        IngestPath = Path.Join(layout.Ingest, Guid.NewGuid().ToString("N"));
        _file = new FileStream(IngestPath, FileMode.CreateNew, FileAccess.Write, FileShare.None,
            bufferSize: 0, FileOptions.Asynchronous);
    }

    /// <summary>The temp file; exposed so tests can see that a failed write leaves nothing else behind.</summary>
    public string IngestPath { get; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_committed;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Account(buffer);
        _file.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Account(buffer.Span);
        await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Verifies size and digest, makes the content durable and publishes it under its digest.
    /// When the blob already exists (another writer won the race) the existing one is kept. The digest joins the
    /// writer's lease before the rename, so no collection can find the blob visible and unprotected.</summary>
    public async Task<(Digest Digest, long Size)> CommitAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var digest = Digest.FromSha256Hash(_hash.GetHashAndReset());
        if (_expectedSize is { } size && size != _written)
        {
            throw new BlobVerificationException($"blob size mismatch: expected {size} bytes, got {_written}");
        }

        if (_expectedDigest is { } expected && expected != digest)
        {
            throw new BlobVerificationException($"blob digest mismatch: expected {expected}, got {digest}");
        }

        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
        // Under the store lock: a collection running now finishes first, one starting later sees the digest.
        _lease?.Add(digest);

        var target = _layout.BlobPath(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Closed (releasing its flock) before the rename: readers of the blob take a shared flock. A collection
        // keeps an unheld ingest file until it is older than a grace period, which covers this step.
        await _file.DisposeAsync().ConfigureAwait(false);
        // rename(2) replaces atomically; a concurrent writer of the same digest wrote identical bytes.
        File.Move(IngestPath, target, overwrite: true);
        DurableFile.SyncFolder(Path.GetDirectoryName(target)!);
        _committed = true;
        return (digest, _written);
    }

    public override void Flush() => _file.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _file.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
            if (!_committed)
            {
                File.Delete(IngestPath);
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Account(ReadOnlySpan<byte> buffer)
    {
        if (_committed)
        {
            throw new InvalidOperationException("the blob has already been committed");
        }

        _written += buffer.Length;
        if (_expectedSize is { } size && _written > size)
        {
            throw new BlobVerificationException($"blob size mismatch: expected {size} bytes, got more");
        }

        _hash.AppendData(buffer);
    }
}
