using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Store;

/// <summary>A stored blob read front to back and hashed on the way: when its last byte has been read, content that
/// is not its digest throws <see cref="BlobCorruptException"/> instead of ending the stream, so whoever copies or
/// unpacks it never takes a damaged blob for a whole one. The check happens on the read that reaches the length the
/// file had when opened (or on an early end of file), so a reader that reads exactly that many bytes is covered.</summary>
internal sealed class VerifiedBlobStream(FileStream file, Digest digest) : ReadOnlyForwardStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _length = file.Length;
    private long _read;
    private bool _checked;

    public override long Length => _length;

    // Seekable in name only, so System.Formats.Tar copies it into an entry by its length instead of refusing an
    // unseekable data stream when the archive (stdout) is unseekable too; only the position it already has and the start are accepted.
    public override bool CanSeek => true;

    public override long Position
    {
        get => _read;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _read + offset,
            _ => _length + offset,
        };
        if (target == 0 && _read != 0)
        {
            // Back to the start (a push that opens a new upload session sends the blob again): hash afresh.
            file.Position = 0;
            _hash.GetHashAndReset();
            _read = 0;
            _checked = false;
            return 0;
        }

        return target == _read ? _read : throw new NotSupportedException("a verified blob is read front to back, or again from its start");
    }

    public override int Read(Span<byte> buffer)
    {
        var n = file.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        if (_checked)
        {
            return;
        }

        _hash.AppendData(data);
        _read += data.Length;
        if (data.IsEmpty || _read >= _length)
        {
            _checked = true;
            var actual = Digest.FromSha256Hash(_hash.GetHashAndReset());
            if (actual != digest)
            {
                throw new BlobCorruptException(digest, actual);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await file.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
