using System.Formats.Tar;
using Slipway.Oci;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Insight.Sbom;

/// <summary>Runs catalogers over an image's final filesystem without extracting it: each layer is streamed
/// once, bottom to top, and what a file yielded is dropped again when an upper layer deletes (whiteout, opaque
/// directory) or replaces the file. Only parsed packages are kept, never file contents.</summary>
public sealed class ImageScanner(IReadOnlyList<ICataloger> catalogers)
{
    private const string WhiteoutPrefix = Store.Layers.Whiteouts.Prefix;
    private const string OpaqueMarker = Store.Layers.Whiteouts.OpaqueMarker;

    public static ImageScanner Default() => new([
        new DpkgCataloger(),
        new ApkCataloger(),
        new NpmCataloger(),
        new GoBinaryCataloger(),
        new DotnetDepsCataloger(),
    ]);

    /// <summary>The packages in the image's final filesystem, each once (by purl), sorted by purl.</summary>
    public async Task<IReadOnlyList<SbomPackage>> ScanAsync(IContentStore blobs, IEnumerable<Descriptor> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(layers);
        var state = new FilesystemState();
        foreach (var layer in layers)
        {
            var blob = blobs.OpenRead(layer.Digest);
            await using (blob.ConfigureAwait(false))
            {
                await ScanLayerAsync(blob, state, cancellationToken).ConfigureAwait(false);
            }
        }

        return state.Found.Values.SelectMany(p => p)
            .GroupBy(p => p.Purl, StringComparer.Ordinal)
            .Select(g => g.OrderBy(p => p.Location, StringComparer.Ordinal).First())
            .OrderBy(p => p.Purl, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Applies one layer (a tar, compressed or not) to <paramref name="state"/>.</summary>
    public async Task ScanLayerAsync(Stream layer, FilesystemState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (tar, _) = await LayerCompressionDetector.OpenAsync(layer, cancellationToken).ConfigureAwait(false);
        await using (tar.ConfigureAwait(false))
        {
            var reader = TarMetadataLimit.Reader(tar);
            await using (reader.ConfigureAwait(false))
            {
                // Deletions apply to lower layers only, so this layer's finds are kept apart until the end.
                var added = new Dictionary<string, IReadOnlyList<SbomPackage>>(StringComparer.Ordinal);
                var deleted = new List<(string Path, bool Opaque)>();
                var replaced = new List<string>();
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    var path = Normalize(entry.Name);
                    if (path.Length == 0)
                    {
                        continue;
                    }

                    var slash = path.LastIndexOf('/');
                    var (dir, name) = slash < 0 ? ("", path) : (path[..slash], path[(slash + 1)..]);
                    if (name == OpaqueMarker)
                    {
                        deleted.Add((dir, true));
                        continue;
                    }

                    if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                    {
                        deleted.Add((Join(dir, name[WhiteoutPrefix.Length..]), false));
                        continue;
                    }

                    // Any entry but a directory (directories merge) replaces a lower file at the same path.
                    if (entry.EntryType is not TarEntryType.Directory)
                    {
                        replaced.Add(path);
                        added.Remove(path);
                    }

                    if (entry.EntryType is TarEntryType.HardLink && Normalize(entry.LinkName) is var target &&
                        (added.TryGetValue(target, out var linked) || state.Found.TryGetValue(target, out linked)))
                    {
                        added[path] = linked;
                        continue;
                    }

                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    {
                        continue;
                    }

                    await ReadFileAsync(path, entry, added, state.Facts, cancellationToken).ConfigureAwait(false);
                }

                foreach (var (path, opaque) in deleted)
                {
                    state.Remove(path, opaque);
                }

                foreach (var path in replaced)
                {
                    state.Found.Remove(path);
                }

                foreach (var (path, packages) in added)
                {
                    state.Found[path] = packages;
                }
            }
        }
    }

    private async Task ReadFileAsync(string path, TarEntry entry, Dictionary<string, IReadOnlyList<SbomPackage>> added, ImageFacts facts,
        CancellationToken cancellationToken)
    {
        if (path is "etc/os-release" or "usr/lib/os-release")
        {
            OsRelease.Read(entry.DataStream!, facts);
            return;
        }

        var executable = (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        var cataloger = catalogers.FirstOrDefault(c => c.Wants(path, entry.Length, executable));
        if (cataloger is null)
        {
            return;
        }

        try
        {
            var packages = await cataloger.ReadAsync(path, entry.DataStream!, facts, cancellationToken).ConfigureAwait(false);
            if (packages.Count > 0)
            {
                added[path] = packages;
            }
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidDataException or EndOfStreamException)
        {
            // A damaged or unexpected metadata file means no packages from it, not a failed scan.
        }
    }

    private static string Normalize(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        return path.Trim('/');
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;
}

/// <summary>What the layers scanned so far leave: packages by the file they were found in.</summary>
public sealed class FilesystemState
{
    public SortedDictionary<string, IReadOnlyList<SbomPackage>> Found { get; } = new(StringComparer.Ordinal);

    public ImageFacts Facts { get; } = new();

    /// <summary>Drops a path and everything under it; an opaque directory keeps itself and drops its contents.</summary>
    public void Remove(string path, bool opaqueContentsOnly)
    {
        if (!opaqueContentsOnly)
        {
            Found.Remove(path);
        }

        var prefix = path.Length == 0 ? "" : path + "/";
        foreach (var key in Found.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            Found.Remove(key);
        }
    }
}
