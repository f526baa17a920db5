using System.Formats.Tar;
using System.Text.Json;
using System.Text;
using Slipway.Oci;
using Slipway.Store.Images;
using Slipway.Store;

namespace Slipway.Images;

/// <summary>Where an exported layout goes: entries of a tar stream, or files under a directory.</summary>
internal interface ILayoutSink : IAsyncDisposable
{
    Task AddAsync(string path, Stream content, long size, CancellationToken cancellationToken);
}

internal sealed class TarSink(Stream output) : ILayoutSink
{
    private readonly TarWriter _writer = new(output, TarEntryFormat.Pax, leaveOpen: true);
    private readonly HashSet<string> _dirs = new(StringComparer.Ordinal);

    public async Task AddAsync(string path, Stream content, long size, CancellationToken cancellationToken)
    {
        // Parent directories first, as docker save writes them.
        var slash = path.LastIndexOf('/');
        if (slash > 0)
        {
            var parts = path[..slash].Split('/');
            for (var i = 1; i <= parts.Length; i++)
            {
                var dir = string.Join('/', parts, 0, i) + "/";
                if (_dirs.Add(dir))
                {
                    await _writer.WriteEntryAsync(Entry(TarEntryType.Directory, dir, 0x1ED), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var entry = Entry(TarEntryType.RegularFile, path, 0x1A4);
        entry.DataStream = content;
        await _writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, int mode) => new(type, name)
    {
        Mode = (UnixFileMode)mode,
        ModificationTime = DateTimeOffset.UnixEpoch,
    };

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

internal sealed class DirectorySink(string root) : ILayoutSink
{
    public async Task AddAsync(string path, Stream content, long size, CancellationToken cancellationToken)
    {
        // Paths here are ours (blobs/sha256/<validated hex>, index.json …), never taken from input.
        var full = Path.Join(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Writes images as an OCI image layout (in a directory or a tar) and, for <c>docker load</c>, the
/// <c>manifest.json</c> Docker reads, both pointing at the same blobs.</summary>
public static class LayoutWriter
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string ContainerdNameAnnotation = "io.containerd.image.name";

    public static Task WriteTarAsync(LocalStore store, IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images,
        Stream output, bool dockerManifest, CancellationToken cancellationToken) =>
        WriteTarAsync(store, images, output, dockerManifest, ImageAnnotations.None, cancellationToken);

    /// <summary>A tar of the layout; <paramref name="annotations"/> (a build's <c>--annotation</c>) add the index's to
    /// index.json and the manifest descriptors' to its entries.</summary>
    public static Task WriteTarAsync(LocalStore store, IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images,
        Stream output, bool dockerManifest, ImageAnnotations annotations, CancellationToken cancellationToken) =>
        WriteTarAsync(Entries(images), store, output, dockerManifest, annotations, cancellationToken);

    /// <summary>A tar of the layout of <paramref name="entries"/>, each a manifest or an index (every platform image of
    /// it the store holds, its attestations when stored whole, then the index itself). For <c>docker load</c>'s
    /// manifest.json an index stands for its host platform's image (else its first), which is what docker loads.</summary>
    public static async Task WriteTarAsync(LocalStore store, IReadOnlyList<(Descriptor Top, IReadOnlyList<ImageReference> Names)> entries,
        Stream output, bool dockerManifest, ImageAnnotations annotations, CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(store, entries, cancellationToken).ConfigureAwait(false);
        await WriteTarAsync(resolved, store, output, dockerManifest, annotations, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteTarAsync(List<LayoutEntry> entries, LocalStore store, Stream output, bool dockerManifest,
        ImageAnnotations annotations, CancellationToken cancellationToken)
    {
        await using var sink = new TarSink(output);
        await WriteAsync(store, entries, sink, dockerManifest, annotations, cancellationToken).ConfigureAwait(false);
    }

    public static Task WriteDirectoryAsync(LocalStore store, IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images,
        string directory, CancellationToken cancellationToken) =>
        WriteDirectoryAsync(Entries(images), store, directory, ImageAnnotations.None, cancellationToken);

    /// <summary>The layout of <paramref name="entries"/> (manifests or indexes) under <paramref name="directory"/>.</summary>
    public static async Task WriteDirectoryAsync(LocalStore store, IReadOnlyList<(Descriptor Top, IReadOnlyList<ImageReference> Names)> entries,
        string directory, ImageAnnotations annotations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var resolved = await ResolveAsync(store, entries, cancellationToken).ConfigureAwait(false);
        await WriteDirectoryAsync(resolved, store, directory, annotations, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteDirectoryAsync(List<LayoutEntry> entries, LocalStore store, string directory, ImageAnnotations annotations,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        await using var sink = new DirectorySink(directory);
        await WriteAsync(store, entries, sink, false, annotations, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One top-level entry of the layout: an image, or an index and its stored images.</summary>
    private sealed record LayoutEntry(Descriptor Top, StoredImage? Image, StoredIndex? Index, IReadOnlyList<ImageReference> Names);

    private static List<LayoutEntry> Entries(IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return [.. images.Select(i => new LayoutEntry(i.Image.ManifestDescriptor, i.Image, null, i.Names))];
    }

    private static async Task<List<LayoutEntry>> ResolveAsync(LocalStore store, IReadOnlyList<(Descriptor Top, IReadOnlyList<ImageReference> Names)> entries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entries);
        var images = new ImageStore(store);
        var resolved = new List<LayoutEntry>();
        foreach (var (top, names) in entries)
        {
            resolved.Add(await images.IsIndexAsync(top, cancellationToken).ConfigureAwait(false)
                ? new LayoutEntry(top, null, await images.LoadIndexAsync(top, cancellationToken).ConfigureAwait(false), names)
                : new LayoutEntry(top, await images.LoadAsync(top, cancellationToken).ConfigureAwait(false), null, names));
        }

        return resolved;
    }

    private static async Task WriteAsync(LocalStore store, IReadOnlyList<LayoutEntry> entries,
        ILayoutSink sink, bool dockerManifest, ImageAnnotations annotations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var written = new HashSet<Digest>();
        var indexEntries = new List<Descriptor>();
        var dockerEntries = new List<DockerArchiveManifest>();
        foreach (var entry in entries)
        {
            var platformImages = entry.Index?.Images ?? [entry.Image!];
            foreach (var image in platformImages)
            {
                await WriteBlobsAsync(store, sink, written, image.Manifest.Layers.Prepend(image.Manifest.Config).Append(image.ManifestDescriptor),
                    cancellationToken).ConfigureAwait(false);
            }

            Descriptor descriptor;
            if (entry.Index is { } index)
            {
                await WriteAttestationsAsync(store, sink, written, index, cancellationToken).ConfigureAwait(false);
                await WriteBlobsAsync(store, sink, written, [index.Descriptor], cancellationToken).ConfigureAwait(false);
                descriptor = new Descriptor
                {
                    MediaType = index.Descriptor.MediaType,
                    Digest = index.Descriptor.Digest,
                    Size = index.Descriptor.Size,
                    Annotations = annotations.For(AnnotationLevel.IndexDescriptor, null),
                };
            }
            else
            {
                var image = entry.Image!;
                descriptor = new Descriptor
                {
                    MediaType = image.ManifestDescriptor.MediaType,
                    Digest = image.ManifestDescriptor.Digest,
                    Size = image.ManifestDescriptor.Size,
                    Platform = image.ManifestDescriptor.Platform,
                    Annotations = annotations.For(AnnotationLevel.ManifestDescriptor, image.ManifestDescriptor.Platform ?? image.Config.Platform),
                };
            }

            if (entry.Names.Count == 0)
            {
                indexEntries.Add(descriptor);
            }

            foreach (var name in entry.Names)
            {
                indexEntries.Add(descriptor with
                {
                    Annotations = new Dictionary<string, string>(descriptor.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
                    {
                        [ContainerdNameAnnotation] = name.ToString(),
                        [RefNameAnnotation] = name.Tag ?? name.Digest?.Value ?? ImageReference.DefaultTag,
                    },
                });
            }

            if (platformImages.Count > 0)
            {
                var loaded = entry.Index is { } i ? ImageStore.Pick(i, null) : entry.Image!;
                dockerEntries.Add(new DockerArchiveManifest
                {
                    Config = BlobPath(loaded.Manifest.Config.Digest),
                    RepoTags = [.. entry.Names.Where(n => n.Tag is not null).Select(n => n.FamiliarName + ":" + n.Tag)],
                    Layers = [.. loaded.Manifest.Layers.Select(l => BlobPath(l.Digest))],
                });
            }
        }

        await AddBytesAsync(sink, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"), cancellationToken).ConfigureAwait(false);
        var layoutIndex = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = indexEntries,
            Annotations = annotations.For(AnnotationLevel.Index, null),
        };
        await AddBytesAsync(sink, "index.json", OciJson.Serialize(layoutIndex), cancellationToken).ConfigureAwait(false);
        if (dockerManifest)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(dockerEntries, ArchiveJsonContext.Default.ListDockerArchiveManifest);
            await AddBytesAsync(sink, "manifest.json", json, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteBlobsAsync(LocalStore store, ILayoutSink sink, HashSet<Digest> written, IEnumerable<Descriptor> blobs,
        CancellationToken cancellationToken)
    {
        foreach (var blob in blobs)
        {
            if (written.Add(blob.Digest))
            {
                await using var content = store.Blobs.OpenVerifiedRead(blob.Digest);
                await sink.AddAsync(BlobPath(blob.Digest), content, blob.Size, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The attestation manifests of an index the store holds whole (manifest, config and layers); one with a
    /// part missing is left out, as the index's absent platforms are.</summary>
    private static async Task WriteAttestationsAsync(LocalStore store, ILayoutSink sink, HashSet<Digest> written, StoredIndex index,
        CancellationToken cancellationToken)
    {
        foreach (var entry in index.Index.Manifests.Where(m => StoredIndex.IsAttestation(m) && store.Blobs.Exists(m.Digest)))
        {
            var manifest = OciJson.ParseManifest(await store.Blobs.ReadAllBytesAsync(entry.Digest, cancellationToken).ConfigureAwait(false));
            var blobs = manifest.Layers.Prepend(manifest.Config).ToList();
            if (blobs.All(b => store.Blobs.Exists(b.Digest)))
            {
                await WriteBlobsAsync(store, sink, written, blobs.Append(entry), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    private static Task AddBytesAsync(ILayoutSink sink, string path, byte[] bytes, CancellationToken cancellationToken) =>
        sink.AddAsync(path, new MemoryStream(bytes), bytes.Length, cancellationToken);
}
