using System.Globalization;
using System.Text;
using Slipway.Oci;
using Slipway.Store.Layers;

namespace Slipway.Store;

/// <summary>Each layer's unpacked size (<see cref="UnpackedSize"/>), which Docker shows as an image's and a history
/// entry's SIZE, kept under <c>layer-sizes/&lt;diffID hex&gt;</c>: recorded when a layer is committed or unpacked,
/// and for a layer that arrived otherwise (pulled, loaded, from an older store) counted once by streaming its blob.</summary>
public sealed class LayerSizes(StoreLayout layout, BlobStore blobs)
{
    /// <summary>The recorded size, or null when none is.</summary>
    public long? Find(Digest diffId)
    {
        try
        {
            var text = File.ReadAllText(layout.LayerSizeFile(diffId), Encoding.UTF8).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Record(Digest diffId, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Directory.CreateDirectory(layout.LayerSizes);
        DurableFile.ReplaceAtomically(layout.LayerSizeFile(diffId), Encoding.UTF8.GetBytes(size.ToString(CultureInfo.InvariantCulture) + "\n"));
    }

    /// <summary>The layer's unpacked size, counted from its blob and recorded when not known yet; null when the
    /// store lacks the blob (a layer imported with <c>--cache-from</c> and never fetched). A blob whose content is not
    /// the diffID it is listed with is counted but not recorded under that diffID.</summary>
    public async Task<long?> GetAsync(LayerRef layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (Find(layer.DiffId) is { } known)
        {
            return known;
        }

        if (!blobs.Exists(layer.Blob.Digest))
        {
            return null;
        }

        (long Size, Digest DiffId) counted;
        try
        {
            var blob = blobs.OpenRead(layer.Blob.Digest);
            await using (blob.ConfigureAwait(false))
            {
                counted = await UnpackedSize.CountAsync(blob, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException or FileNotFoundException)
        {
            return null; // a damaged blob has no size to show; fsck says what is wrong with it
        }

        if (counted.DiffId == layer.DiffId)
        {
            Record(layer.DiffId, counted.Size);
        }

        return counted.Size;
    }

    /// <summary>Removes the records of layers no longer in <paramref name="liveDiffIdHexes"/>; returns how many went.</summary>
    public int RemoveAllBut(IReadOnlySet<string> liveDiffIdHexes)
    {
        ArgumentNullException.ThrowIfNull(liveDiffIdHexes);
        if (!Directory.Exists(layout.LayerSizes))
        {
            return 0;
        }

        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(layout.LayerSizes))
        {
            if (!liveDiffIdHexes.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }
}
