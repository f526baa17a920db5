using System.Buffers;
using System.IO.Compression;

namespace Slipway.Store.Layers;

/// <summary>A write-only gzip compressor that uses every core: the input is cut into fixed blocks of
/// <see cref="BlockSize"/> bytes, each block is compressed as a gzip member of its own on the thread pool, and
/// the members are written to the inner stream in order. Concatenated members are one valid gzip stream (RFC
/// 1952 §2.2): gzip, Go's compress/gzip (containerd, BuildKit, registries) and .NET's GZipStream read them as one.
/// The output depends only on the bytes written, never on how the writes were cut or how many cores there are,
/// so a layer's digest stays reproducible. Input shorter than one block gives exactly what a single
/// <see cref="GZipStream"/> gives. At most <see cref="MaxInFlight"/> blocks are held at once: memory stays
/// bounded whatever the layer's size.</summary>
internal sealed class ParallelGzipStream : Stream
{
    public const int BlockSize = 1 << 20;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly CompressionLevel _level;
    private readonly Queue<Task<MemoryStream>> _inFlight = new();
    private byte[] _block = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _filled;
    private bool _wroteAny;
    private bool _disposed;

    public ParallelGzipStream(Stream inner, CompressionLevel level, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _level = level;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Blocks compressing or waiting to be written: two per core keeps every core busy while the
    /// writer drains the oldest.</summary>
    public static int MaxInFlight { get; } = Math.Max(2, Environment.ProcessorCount * 2);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, BlockSize - _filled);
            buffer[..n].CopyTo(_block.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == BlockSize)
            {
                Submit();
                if (_inFlight.Count >= MaxInFlight)
                {
                    WriteOldest();
                }
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, BlockSize - _filled);
            buffer.Span[..n].CopyTo(_block.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == BlockSize)
            {
                Submit();
                if (_inFlight.Count >= MaxInFlight)
                {
                    await WriteOldestAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Does nothing: a partial block cannot be compressed early without making the output depend on
    /// when callers flushed. Everything is written when the stream is disposed.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            try
            {
                SubmitLast();
                while (_inFlight.Count > 0)
                {
                    WriteOldest();
                }
            }
            finally
            {
                Release();
            }

            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            try
            {
                SubmitLast();
                while (_inFlight.Count > 0)
                {
                    await WriteOldestAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                Release();
            }

            if (!_leaveOpen)
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The last, partial block; or one empty member when nothing was written, so empty input is still
    /// a valid gzip stream (a plain GZipStream writes no bytes at all then).</summary>
    private void SubmitLast()
    {
        if (_filled > 0 || !_wroteAny)
        {
            Submit();
        }
    }

    private void Submit()
    {
        var block = _block;
        var length = _filled;
        var level = _level;
        _inFlight.Enqueue(Task.Run(() => Compress(block, length, level)));
        _wroteAny = true;
        _block = ArrayPool<byte>.Shared.Rent(BlockSize);
        _filled = 0;
    }

    private static MemoryStream Compress(byte[] block, int length, CompressionLevel level)
    {
        try
        {
            var output = new MemoryStream((length / 2) + 64);
            if (length == 0)
            {
                // GZipStream writes nothing at all when given nothing; an empty member is its own header, an empty
                // final deflate block (03 00), then a CRC-32 and a length of zero.
                using (var one = new GZipStream(output, level, leaveOpen: true))
                {
                    one.WriteByte(0);
                }

                output.SetLength(10);
                output.Position = 10;
                output.Write([0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
                return output;
            }

            using (var gzip = new GZipStream(output, level, leaveOpen: true))
            {
                gzip.Write(block, 0, length);
            }

            return output;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    private void WriteOldest()
    {
        using var member = _inFlight.Dequeue().GetAwaiter().GetResult();
        _inner.Write(member.GetBuffer(), 0, (int)member.Length);
    }

    private async Task WriteOldestAsync(CancellationToken cancellationToken)
    {
        var member = await _inFlight.Dequeue().ConfigureAwait(false);
        await using (member.ConfigureAwait(false))
        {
            await _inner.WriteAsync(member.GetBuffer().AsMemory(0, (int)member.Length), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Waits for blocks still compressing (so their buffers go back to the pool) and drops them.</summary>
    private void Release()
    {
        _disposed = true;
        foreach (var pending in _inFlight)
        {
            try
            {
                pending.GetAwaiter().GetResult().Dispose();
            }
            catch (Exception e) when (e is IOException or InvalidDataException or OutOfMemoryException)
            {
                // Already failing: the first error is the one that matters.
            }
        }

        _inFlight.Clear();
        ArrayPool<byte>.Shared.Return(_block);
        _block = [];
    }
}
