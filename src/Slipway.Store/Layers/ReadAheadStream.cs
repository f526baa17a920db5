using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Slipway.Store.Layers;

/// <summary>Reads <paramref name="inner"/> on a thread of its own, up to <paramref name="depth"/> chunks ahead of
/// the reader: put between a decompressor and the tar extractor, inflating one layer and creating its files run
/// on two cores instead of taking turns on one. Memory stays bounded (depth × chunk size). An error reading the
/// inner stream is rethrown, as it was, to the reader when it reaches that point.</summary>
internal sealed class ReadAheadStream : ReadOnlyForwardStream
{
    private const int ChunkSize = 1 << 20;

    private readonly BlockingCollection<(byte[] Buffer, int Length)> _chunks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private ExceptionDispatchInfo? _error;
    private byte[]? _current;
    private int _offset;
    private int _length;
    private bool _ended;

    public ReadAheadStream(Stream inner, int depth = 4)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _chunks = new BlockingCollection<(byte[], int)>(depth);
        _producer = Task.Factory.StartNew(() => Produce(inner), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Produce(Stream inner)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var n = inner.ReadAtLeast(buffer.AsSpan(0, ChunkSize), ChunkSize, throwOnEndOfStream: false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                _chunks.Add((buffer, n), _stop.Token);
                if (n < ChunkSize)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The reader went away.
        }
#pragma warning disable CA1031 // any failure belongs to the reader, which rethrows it as it was
        catch (Exception e)
#pragma warning restore CA1031
        {
            _error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            _chunks.CompleteAdding();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_current is null || _offset == _length)
        {
            if (_current is not null)
            {
                ArrayPool<byte>.Shared.Return(_current);
                _current = null;
            }

            if (_ended || !_chunks.TryTake(out var chunk, Timeout.Infinite))
            {
                _ended = true;
                _error?.Throw();
                return 0;
            }

            (_current, _length, _offset) = (chunk.Buffer, chunk.Length, 0);
        }

        var n = Math.Min(buffer.Length, _length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            while (_chunks.TryTake(out var chunk))
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }

            // The inner stream is the caller's to dispose next: nothing may still be reading it.
            try
            {
                _producer.Wait();
            }
            catch (AggregateException)
            {
                // Failures were captured for the reader.
            }

            while (_chunks.TryTake(out var chunk))
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }

            if (_current is not null)
            {
                ArrayPool<byte>.Shared.Return(_current);
                _current = null;
            }

            _chunks.Dispose();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }
}
