using System.Buffers.Binary;

namespace Slipway.Store.Layers;

/// <summary>Follows the tar headers passing through it and refuses a metadata entry (a PAX <c>x</c>/<c>g</c>
/// header, a GNU <c>L</c>/<c>K</c> long name) larger than <see cref="MaxMetadataBytes"/> before the reader buffers it:
/// System.Formats.Tar reads such an entry whole into memory, so a 520 KB gzip of zeros declaring a 512 MiB PAX
/// record cost gigabytes. Go's archive/tar (and so BuildKit and containerd) has the same 1 MiB limit
/// (maxSpecialFileSize). The stream only watches; when it cannot follow the archive (a bad checksum, GNU sparse
/// extension blocks) it stops watching and leaves the verdict to the reader. It does not own
/// <paramref name="inner"/>.</summary>
public sealed class TarMetadataLimit(Stream inner) : ReadOnlyForwardStream
{
    public const int MaxMetadataBytes = 1 << 20;
    private const int Block = 512;

    private readonly byte[] _header = new byte[Block];
    private int _headerFill;
    private long _position;
    private long _nextHeader;
    private bool _lost;

    // The body of the PAX header being read, whose "size" record overrides the next entry's size field.
    private MemoryStream? _pax;
    private long _paxRemaining;
    private long? _sizeOverride;

    /// <summary>A tar reader over <paramref name="tar"/> (left open) with the metadata limit in front of it: every
    /// reader of archives that come from outside should be made here.</summary>
    public static TarEntryReader Reader(Stream tar) => new(tar);

    /// <summary>Whether a read failed here (the stream below failed, or the limit refused an entry) rather than in
    /// the tar reader above: <see cref="TarEntryReader"/> then leaves the error as it is.</summary>
    internal bool Faulted { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        try
        {
            var n = inner.Read(buffer);
            Observe(buffer[..n]);
            return n;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Observe(buffer.Span[..n]);
            return n;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_lost)
        {
            if (_position < _nextHeader)
            {
                var skip = (int)Math.Min(data.Length, _nextHeader - _position);
                if (_pax is not null && _paxRemaining > 0)
                {
                    var take = (int)Math.Min(skip, _paxRemaining);
                    _pax.Write(data[..take]);
                    _paxRemaining -= take;
                    if (_paxRemaining == 0)
                    {
                        _sizeOverride = PaxSize(_pax.ToArray());
                        _pax = null;
                    }
                }

                _position += skip;
                data = data[skip..];
                continue;
            }

            var copy = Math.Min(data.Length, Block - _headerFill);
            data[..copy].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += copy;
            _position += copy;
            data = data[copy..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        _nextHeader = _position;
        var header = _header.AsSpan();
        if (!header.ContainsAnyExcept((byte)0))
        {
            return; // end-of-archive padding
        }

        if (!ChecksumMatches(header) || !TryParseSize(header.Slice(124, 12), out var size))
        {
            _lost = true;
            return;
        }

        var type = (char)header[156];
        if (type is 'x' or 'g' or 'L' or 'K')
        {
            if (size > MaxMetadataBytes)
            {
                throw new InvalidDataException(
                    $"tar metadata entry of type '{type}' declares {size} bytes, more than the {MaxMetadataBytes / (1 << 20)} MiB allowed");
            }

            if (type == 'x' && size > 0)
            {
                _pax = new MemoryStream((int)size);
                _paxRemaining = size;
            }
        }
        else if (type == 'S')
        {
            _lost = true; // GNU sparse: extension blocks follow the header
            return;
        }
        else
        {
            if (_sizeOverride is { } overridden)
            {
                size = overridden;
            }

            _sizeOverride = null;
            if (type is '1' or '2' or '3' or '4' or '5' or '6')
            {
                size = 0; // header-only entries carry no data whatever their size field says
            }
        }

        _nextHeader = _position + ((size + Block - 1) / Block * Block);
    }

    private static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        if (!TryParseOctal(header.Slice(148, 8), out var stored))
        {
            return false;
        }

        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }

        return stored == unsigned || stored == signed;
    }

    private static bool TryParseSize(ReadOnlySpan<byte> field, out long size)
    {
        if ((field[0] & 0x80) != 0)
        {
            // base-256: a big-endian two's-complement number; a size that needs more than 63 bits is nonsense.
            if ((field[0] & 0x40) != 0 || field[1..4].ContainsAnyExcept((byte)0))
            {
                size = 0;
                return false;
            }

            size = BinaryPrimitives.ReadInt64BigEndian(field[4..]);
            return size >= 0;
        }

        return TryParseOctal(field, out size);
    }

    private static bool TryParseOctal(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        var digits = field.Trim((byte)' ').TrimEnd((byte)0).Trim((byte)' ');
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3))
            {
                return false;
            }

            value = (value << 3) | (long)(b - '0');
        }

        return true;
    }

    /// <summary>The <c>size</c> record of a PAX body (<c>"%d %s=%s\n"</c> records), if it has a valid one.</summary>
    private static long? PaxSize(byte[] body)
    {
        long? result = null;
        var rest = body.AsSpan();
        while (!rest.IsEmpty)
        {
            var space = rest.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(rest[..space], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var length) || length <= space || length > rest.Length)
            {
                break;
            }

            var record = rest[(space + 1)..length];
            rest = rest[length..];
            if (record.StartsWith("size="u8) && record.EndsWith("\n"u8) && long.TryParse(
                    record[5..^1], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                result = size;
            }
        }

        return result;
    }
}
