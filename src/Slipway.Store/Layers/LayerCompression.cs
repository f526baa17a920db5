using System.IO.Compression;

namespace Slipway.Store.Layers;

/// <summary>How a layer blob is compressed.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>Recognises a layer's compression from its first bytes (the media type is only a hint: registries
/// and tools mislabel layers, the magic bytes do not lie) and opens the matching decompressor.</summary>
public static class LayerCompressionDetector
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] ZstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

    public static LayerCompression FromMagic(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(GzipMagic))
        {
            return LayerCompression.Gzip;
        }

        return head.StartsWith(ZstdMagic) ? LayerCompression.Zstd : LayerCompression.None;
    }

    /// <summary>The compression a media type declares, or null when it says nothing (or is null).</summary>
    public static LayerCompression? FromMediaType(string? mediaType) => mediaType switch
    {
        null => null,
        _ when mediaType.EndsWith("+gzip", StringComparison.Ordinal) ||
               mediaType.EndsWith(".tar.gzip", StringComparison.Ordinal) => LayerCompression.Gzip,
        _ when mediaType.EndsWith("+zstd", StringComparison.Ordinal) => LayerCompression.Zstd,
        _ when mediaType.EndsWith(".tar", StringComparison.Ordinal) ||
               mediaType.EndsWith(".tar.v1", StringComparison.Ordinal) => LayerCompression.None,
        _ => null,
    };

    /// <summary>Reads the first bytes of <paramref name="raw"/>, decides the compression and returns a stream
    /// of the uncompressed tar that still includes those bytes.</summary>
    public static async Task<(Stream Tar, LayerCompression Compression)> OpenAsync(
        Stream raw, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var filled = 0;
        while (filled < head.Length)
        {
            var n = await raw.ReadAsync(head.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return Decompress(head.AsMemory(0, filled), raw);
    }

    /// <summary>The synchronous <see cref="OpenAsync"/>.</summary>
    public static (Stream Tar, LayerCompression Compression) Open(Stream raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var head = new byte[4];
        var filled = raw.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Decompress(head.AsMemory(0, filled), raw);
    }

    private static (Stream Tar, LayerCompression Compression) Decompress(ReadOnlyMemory<byte> head, Stream raw)
    {
        var compression = FromMagic(head.Span);
        Stream prefixed = new PrefixedReadStream(head, raw);
        Stream tar = compression switch
        {
            LayerCompression.Gzip => new GZipStream(prefixed, CompressionMode.Decompress),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(prefixed),
            _ => prefixed,
        };
        return (tar, compression);
    }

    public static Stream OpenCompressor(Stream output, LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => new ParallelGzipStream(output, CompressionLevel.Optimal, leaveOpen: true),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true),
        _ => new NonClosingStream(output),
    };
}
