using System.Formats.Tar;
using System.Text;

namespace Slipway.Store.Layers;

/// <summary>The size Docker gives a layer: the bytes its entries hold once unpacked (the sum of regular files' sizes
/// and symbolic links' targets; directories, hard links to a file already counted, devices and whiteouts add
/// nothing), as overlay2 measures the layer's diff directory after applying it. It is neither the tar's length
/// (headers and padding) nor the compressed blob's.</summary>
public static class UnpackedSize
{
    /// <summary>What one tar entry adds.</summary>
    public static long Of(TarEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => entry.Length,
            TarEntryType.SymbolicLink => Encoding.UTF8.GetByteCount(entry.LinkName),
            _ => 0,
        };
    }

    /// <summary>Reads a layer blob (gzip, zstd or plain tar) once as a stream of headers, never holding it in memory,
    /// and returns its unpacked size and the digest of its uncompressed content (its diffID).</summary>
    public static async Task<(long Size, Oci.Digest DiffId)> CountAsync(Stream blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var (tar, _) = await LayerCompressionDetector.OpenAsync(blob, cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            using var uncompressed = new HashingReadStream(tar);
            long size = 0;
            var reader = new TarEntryReader(uncompressed);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    size += Of(entry);
                }
            }

            // The diffID covers the whole stream, the padding after the end-of-archive blocks included.
            var buffer = new byte[64 * 1024];
            while (await uncompressed.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            return (size, uncompressed.Digest());
        }
    }
}
