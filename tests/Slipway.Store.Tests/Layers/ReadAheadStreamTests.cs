using Slipway.Store.Layers;

namespace Slipway.Store.Tests.Layers;

public sealed class ReadAheadStreamTests
{
    private static byte[] ReadAll(Stream stream, int chunk)
    {
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1 << 20)]
    [InlineData((5 << 20) + 3)]
    public void The_bytes_come_out_as_they_went_in(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        using var ahead = new ReadAheadStream(new MemoryStream(bytes), depth: 2);

        Assert.Equal(bytes, ReadAll(ahead, 7919));
        Assert.Equal(0, ahead.Read(new byte[10]));
    }

    [Fact]
    public void An_error_in_the_inner_stream_reaches_the_reader_as_it_was()
    {
        using var ahead = new ReadAheadStream(new FailingStream(3 << 20));

        var error = Assert.Throws<InvalidDataException>(() => ReadAll(ahead, 65536));
        Assert.Equal("damaged", error.Message);
    }

    [Fact]
    public void Disposing_before_the_end_stops_the_reading_thread()
    {
        var inner = new FailingStream(long.MaxValue);
        var ahead = new ReadAheadStream(inner, depth: 2);
        Assert.Equal(10, ahead.Read(new byte[10]));

        ahead.Dispose();
        var readsAfterDispose = inner.Reads;

        Thread.Sleep(50);
        Assert.Equal(readsAfterDispose, inner.Reads);
    }

    /// <summary>Endless zeros until <c>failAt</c> bytes, then a damaged-data error.</summary>
    private sealed class FailingStream(long failAt) : Stream
    {
        private long _position;

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            if (_position >= failAt)
            {
                throw new InvalidDataException("damaged");
            }

            var n = (int)Math.Min(count, failAt - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
