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
    public static async Task WriteTarAsync(LocalStore store, IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images,
        Stream output, bool dockerManifest, ImageAnnotations annotations, CancellationToken cancellationToken)
    {
        await using var sink = new TarSink(output);
        await WriteAsync(store, images, sink, dockerManifest, annotations, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteDirectoryAsync(LocalStore store, IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images,
        string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        await using var sink = new DirectorySink(directory);
        await WriteAsync(store, images, sink, false, ImageAnnotations.None, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(LocalStore store, IReadOnlyList<(StoredImage Image, IReadOnlyList<ImageReference> Names)> images,
        ILayoutSink sink, bool dockerManifest, ImageAnnotations annotations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(images);
        var written = new HashSet<Digest>();
        var indexEntries = new List<Descriptor>();
        var dockerEntries = new List<DockerArchiveManifest>();
        foreach (var (image, names) in images)
        {
            foreach (var blob in image.Manifest.Layers.Prepend(image.Manifest.Config).Append(image.ManifestDescriptor))
            {
                if (written.Add(blob.Digest))
                {
                    await using var content = store.Blobs.OpenVerifiedRead(blob.Digest);
                    await sink.AddAsync(BlobPath(blob.Digest), content, blob.Size, cancellationToken).ConfigureAwait(false);
                }
            }

            var descriptor = new Descriptor
            {
                MediaType = image.ManifestDescriptor.MediaType,
                Digest = image.ManifestDescriptor.Digest,
                Size = image.ManifestDescriptor.Size,
                Platform = image.ManifestDescriptor.Platform,
                Annotations = annotations.For(AnnotationLevel.ManifestDescriptor, image.ManifestDescriptor.Platform ?? image.Config.Platform),
            };
            if (names.Count == 0)
            {
                indexEntries.Add(descriptor);
            }

            foreach (var name in names)
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

            dockerEntries.Add(new DockerArchiveManifest
            {
                Config = BlobPath(image.Manifest.Config.Digest),
                RepoTags = [.. names.Where(n => n.Tag is not null).Select(n => n.FamiliarName + ":" + n.Tag)],
                Layers = [.. image.Manifest.Layers.Select(l => BlobPath(l.Digest))],
            });
        }

        await AddBytesAsync(sink, "oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"), cancellationToken).ConfigureAwait(false);
        var index = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = indexEntries,
            Annotations = annotations.For(AnnotationLevel.Index, null),
        };
        await AddBytesAsync(sink, "index.json", OciJson.Serialize(index), cancellationToken).ConfigureAwait(false);
        if (dockerManifest)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(dockerEntries, ArchiveJsonContext.Default.ListDockerArchiveManifest);
            await AddBytesAsync(sink, "manifest.json", json, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Hex}";

    private static Task AddBytesAsync(ILayoutSink sink, string path, byte[] bytes, CancellationToken cancellationToken) =>
        sink.AddAsync(path, new MemoryStream(bytes), bytes.Length, cancellationToken);
}
