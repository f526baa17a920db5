namespace Slipway.Images;

/// <summary>A write-only view of a blob being downloaded that says how far it has got: <paramref name="report"/> is
/// called with the position after a write, when it has moved on by at least <paramref name="step"/> bytes since the
/// last report (a resumed download that rewinds reports from where it starts again). Reads, seeks and lengths go
/// to <paramref name="inner"/>, which the caller owns.</summary>
internal sealed class CountingStream(Stream inner, long step, Action<long> report) : Stream
{
    private long _reported;

    public override bool CanRead => false;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            inner.Position = value;
            _reported = Math.Min(_reported, value);
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = inner.Seek(offset, origin);
        _reported = Math.Min(_reported, position);
        return position;
    }

    public override void SetLength(long value) => inner.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Moved();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Moved();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Moved()
    {
        var position = inner.Position;
        if (position - _reported >= step)
        {
            _reported = position;
            report(position);
        }
    }
}
