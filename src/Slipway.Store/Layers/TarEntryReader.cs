using System.Formats.Tar;

namespace Slipway.Store.Layers;

/// <summary>Reads the entries of a tar archive from outside: <see cref="TarMetadataLimit"/> in front of
/// System.Formats.Tar's reader, and the reader's header errors in Slipway's words, as Go's archive/tar words them
/// (<c>invalid tar header</c>, <c>unexpected end of archive</c>): an <see cref="InvalidDataException"/> whose inner
/// exception is .NET's own. Errors of the stream below (decompression, verification, I/O) and the limit's refusals
/// pass through unchanged. It does not own the stream.</summary>
public sealed class TarEntryReader : IDisposable, IAsyncDisposable
{
    private readonly TarMetadataLimit _limit;
    private readonly TarReader _reader;

    internal TarEntryReader(Stream tar)
    {
        _limit = new TarMetadataLimit(tar);
        _reader = new TarReader(_limit, leaveOpen: true);
    }

    public TarEntry? GetNextEntry(bool copyData = false)
    {
        try
        {
            return _reader.GetNextEntry(copyData);
        }
        catch (Exception e) when (IsHeaderError(e))
        {
            throw InOurWords(e);
        }
    }

    public async ValueTask<TarEntry?> GetNextEntryAsync(bool copyData = false, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _reader.GetNextEntryAsync(copyData, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHeaderError(e))
        {
            throw InOurWords(e);
        }
    }

    public void Dispose() => _reader.Dispose();

    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    /// <summary>What the tar reader throws for a header it cannot make sense of (impossible numbers, sizes and times
    /// included), when the stream below did not fail first.</summary>
    private bool IsHeaderError(Exception e) =>
        !_limit.Faulted && e is InvalidDataException or FormatException or EndOfStreamException or OverflowException
            or ArgumentException or InvalidOperationException && e is not ObjectDisposedException;

    internal static InvalidDataException InOurWords(Exception e) =>
        new(e is EndOfStreamException ? "unexpected end of archive" : "invalid tar header", e);
}
