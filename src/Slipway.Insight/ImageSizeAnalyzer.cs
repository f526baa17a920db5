using System.Formats.Tar;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Layers;

namespace Slipway.Insight;

/// <summary>How much the report lists.</summary>
public sealed record SizeAnalysisOptions
{
    /// <summary>Rows of the wasted, largest-file and largest-directory lists.</summary>
    public int Top { get; init; } = 20;

    /// <summary>Nodes the treemap may hold; past it, small directories are folded into one rectangle.</summary>
    public int TreemapNodes { get; init; } = 5000;
}

/// <summary>Reads an image's layers as streams, one pass each, headers only (nothing is extracted or
/// followed), and says where its bytes are: see <see cref="SizeReport"/>.</summary>
public static class ImageSizeAnalyzer
{
    public static Task<SizeReport> AnalyzeAsync(IContentStore blobs, string name, StoredImage image,
        SizeAnalysisOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(image);
        return AnalyzeAsync(name, image.Id.Value, image.CompressedSize, image.Manifest.Layers, image.Config.History,
            d => blobs.OpenRead(d.Digest), options ?? new SizeAnalysisOptions(), cancellationToken);
    }

    internal static async Task<SizeReport> AnalyzeAsync(string name, string id, long compressedSize,
        IReadOnlyList<Descriptor> layers, IReadOnlyList<HistoryEntry>? history, Func<Descriptor, Stream> open,
        SizeAnalysisOptions options, CancellationToken cancellationToken)
    {
        var tree = new LayerTree();
        var entries = MapHistory(history, layers.Count);
        var stats = new (long Content, int Files, int Whiteouts)[layers.Count];
        for (var i = 0; i < layers.Count; i++)
        {
            var raw = open(layers[i]);
            await using (raw.ConfigureAwait(false))
            {
                stats[i] = await ReadLayerAsync(tree, raw, i, layers[i].Digest, cancellationToken).ConfigureAwait(false);
            }
        }

        var added = stats.Sum(s => s.Content);
        var files = new List<PathSize>();
        var dirs = new List<PathSize>();
        Summarise(tree.Root, "", layers.Count, files, dirs);
        var final = tree.Root.Total;
        var top = Math.Max(0, options.Top);
        return new SizeReport
        {
            Image = name,
            Id = id,
            CompressedSize = compressedSize,
            AddedBytes = added,
            FinalBytes = final,
            WastedBytes = added - final,
            Efficiency = added == 0 ? 1 : (double)final / added,
            FileCount = files.Count,
            Layers = [.. layers.Select((d, i) => new LayerSize
            {
                Index = i,
                Digest = d.Digest.Value,
                CompressedSize = d.Size,
                ContentSize = stats[i].Content,
                Files = stats[i].Files,
                Whiteouts = stats[i].Whiteouts,
                WastedSize = tree.WastedByLayer.GetValueOrDefault(i),
                CreatedBy = entries[i]?.CreatedBy,
                Comment = entries[i]?.Comment,
            })],
            WastedFileCount = tree.Wasted.Count,
            Wasted = [.. tree.Wasted.OrderByDescending(w => w.Size).ThenBy(w => w.Path, StringComparer.Ordinal).Take(top)],
            LargestFiles = [.. files.OrderByDescending(f => f.Size).ThenBy(f => f.Path, StringComparer.Ordinal).Take(top)],
            LargestDirectories = [.. dirs.OrderByDescending(f => f.Size).ThenBy(f => f.Path, StringComparer.Ordinal).Take(top)],
            Tree = Treemap.Build(tree.Root, options.TreemapNodes),
        };
    }

    /// <summary>The history entry that made each layer: entries marked <c>empty_layer</c> made none, every other
    /// entry made the next layer. Layers the history does not cover get null.</summary>
    public static IReadOnlyList<HistoryEntry?> MapHistory(IReadOnlyList<HistoryEntry>? history, int layerCount)
    {
        var result = new HistoryEntry?[layerCount];
        var next = 0;
        foreach (var entry in history ?? [])
        {
            if (entry.EmptyLayer == true)
            {
                continue;
            }

            if (next == layerCount)
            {
                break;
            }

            result[next++] = entry;
        }

        return result;
    }

    private static async Task<(long Content, int Files, int Whiteouts)> ReadLayerAsync(LayerTree tree, Stream raw, int index,
        Digest digest, CancellationToken cancellationToken)
    {
        long content = 0;
        int files = 0, whiteouts = 0;
        var (tar, _) = await LayerCompressionDetector.OpenAsync(raw, cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            var reader = TarMetadataLimit.Reader(tar);
            await using (reader.ConfigureAwait(false))
            {
                while (true)
                {
                    TarEntry? entry;
                    try
                    {
                        // copyData: false and never touching DataStream: the reader skips the content as it goes.
                        entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
                    {
                        throw new ImageException($"layer {index} ({digest.ShortHex}) is not a valid tar archive: {ErrorText.Describe(e)}", e);
                    }

                    if (entry is null)
                    {
                        break;
                    }

                    var regular = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
                    var size = regular ? entry.Length : 0;
                    if (tree.Apply(entry.Name, entry.EntryType == TarEntryType.Directory, size, index))
                    {
                        whiteouts++;
                        continue;
                    }

                    if (entry.EntryType != TarEntryType.Directory)
                    {
                        files++;
                        content += size;
                    }
                }
            }
        }

        return (content, files, whiteouts);
    }

    /// <summary>Post-order: each directory's total and the layer that brought most of its bytes; every file and
    /// directory into the lists the report ranks.</summary>
    private static long[] Summarise(FsNode dir, string path, int layerCount, List<PathSize> files, List<PathSize> dirs)
    {
        var perLayer = new long[layerCount];
        long total = 0;
        foreach (var child in dir.Children!.Values)
        {
            var childPath = LayerTree.Child(path, child.Name);
            if (child.IsDirectory)
            {
                var sub = Summarise(child, childPath, layerCount, files, dirs);
                for (var i = 0; i < layerCount; i++)
                {
                    perLayer[i] += sub[i];
                }

                total += child.Total;
            }
            else
            {
                child.Total = child.Size;
                child.Dominant = child.Layer;
                perLayer[child.Layer] += child.Size;
                total += child.Size;
                files.Add(new PathSize("/" + childPath, child.Size, child.Layer));
            }
        }

        dir.Total = total;
        var dominant = dir.Layer;
        for (var i = 0; i < layerCount; i++)
        {
            if (perLayer[i] > 0 && (dominant < 0 || perLayer[i] > perLayer[dominant]))
            {
                dominant = i;
            }
        }

        dir.Dominant = Math.Max(0, dominant);
        if (path.Length > 0)
        {
            dirs.Add(new PathSize("/" + path, total, dir.Dominant));
        }

        return perLayer;
    }
}
