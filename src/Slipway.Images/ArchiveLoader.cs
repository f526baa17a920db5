using System.Formats.Tar;
using System.Text.Json;
using Slipway.Oci;
using Slipway.Store.Images;
using Slipway.Store.Layers;
using Slipway.Store;

namespace Slipway.Images;

/// <summary>Loads a <c>docker save</c> archive or an OCI layout archive into the store. Entry names are never
/// used as paths: every regular file goes into the content store (verified when its name is a digest), and
/// the archive's own documents then say which blobs form which image.</summary>
public sealed class ArchiveLoader(ImageStore images)
{
    private const int MaxDocumentBytes = 4 << 20;

    /// <summary>Loads the archive; an image index in an OCI archive is kept whole under its name (every platform the
    /// archive holds), or with <paramref name="platform"/> narrowed to that platform's image.</summary>
    public async Task<IReadOnlyList<string>> LoadAsync(Stream archive, Platform? platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var store = images.Store;
        using var lease = store.CreateLease();
        var (tar, _) = await LayerCompressionDetector.OpenAsync(archive, cancellationToken).ConfigureAwait(false);
        await using var _tar = tar.ConfigureAwait(false);
        var files = new Dictionary<string, (Digest Digest, long Size)>(StringComparer.Ordinal);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var reader = TarMetadataLimit.Reader(tar))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = Normalize(entry.Name);
                if (name is null)
                {
                    continue;
                }

                if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    links[name] = entry.EntryType == TarEntryType.HardLink
                        ? Normalize(entry.LinkName) ?? ""
                        : Normalize(GoLikeJoin(name, entry.LinkName)) ?? "";
                    continue;
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                if (name is "manifest.json" or "index.json" or "oci-layout" or "repositories")
                {
                    if (entry.Length > MaxDocumentBytes)
                    {
                        throw new ImageException($"invalid archive: {name} is larger than {MaxDocumentBytes} bytes");
                    }

                    var buffer = new MemoryStream();
                    await entry.DataStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    documents[name] = buffer.ToArray();
                    continue;
                }

                Digest? expected = null;
                if (name.StartsWith("blobs/sha256/", StringComparison.Ordinal)
                    && Digest.TryParse("sha256:" + name["blobs/sha256/".Length..], out var named))
                {
                    expected = named;
                }

                try
                {
                    var (digest, size) = await store.Blobs.WriteAsync(entry.DataStream, entry.Length, expected, lease, cancellationToken)
                        .ConfigureAwait(false);
                    files[name] = (digest, size);
                }
                catch (BlobVerificationException ex)
                {
                    throw new ImageException($"invalid archive: {name}: {ex.Message}", ex);
                }
            }
        }

        (Digest Digest, long Size) Resolve(string path)
        {
            var name = Normalize(path) ?? throw new ImageException($"invalid archive: bad path {path}");
            for (var hops = 0; hops < 16 && !files.ContainsKey(name) && links.TryGetValue(name, out var target); hops++)
            {
                name = target;
            }

            return files.TryGetValue(name, out var found) ? found : throw new ImageException($"invalid archive: {path} is missing");
        }

        if (documents.TryGetValue("index.json", out var indexJson))
        {
            return await LoadOciAsync(indexJson, documents.GetValueOrDefault("manifest.json"),
                Resolve, platform, lease, cancellationToken).ConfigureAwait(false);
        }

        if (documents.TryGetValue("manifest.json", out var manifestJson))
        {
            return await LoadDockerAsync(manifestJson, Resolve, lease, cancellationToken).ConfigureAwait(false);
        }

        throw new ImageException("invalid archive: neither index.json nor manifest.json found (is it a docker save or OCI archive?)");
    }

    private async Task<IReadOnlyList<string>> LoadOciAsync(byte[] indexJson, byte[]? dockerManifest,
        Func<string, (Digest Digest, long Size)> resolve, Platform? platform, Lease lease, CancellationToken cancellationToken)
    {
        var index = OciJson.ParseIndex(indexJson);
        var loaded = new List<string>();
        var dockerTags = dockerManifest is null
            ? []
            : (JsonSerializer.Deserialize(dockerManifest, ArchiveJsonContext.Default.ListDockerArchiveManifest) ?? []);
        foreach (var entry in index.Manifests)
        {
            resolve(LayoutWriter.BlobPath(entry.Digest));
            var top = entry with { Annotations = null };
            StoredImage image;
            if (!await images.IsIndexAsync(top, cancellationToken).ConfigureAwait(false))
            {
                image = await images.LoadAsync(top, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var nested = await images.LoadIndexAsync(top with { MediaType = MediaTypes.IsIndex(top.MediaType) ? top.MediaType : MediaTypes.OciIndex },
                    cancellationToken).ConfigureAwait(false);
                if (nested.Images.Count == 0)
                {
                    throw new ImageException($"invalid archive: index {entry.Digest} holds none of its platforms' images");
                }

                if (platform is not null)
                {
                    image = new PlatformMatcher(platform).SelectBest(nested.Images.Select(i => i.ManifestDescriptor)) is { } best
                        ? nested.Images.First(i => i.ManifestDescriptor.Digest == best.Digest)
                        : throw new ImageException($"no matching manifest for {platform} in the archive");
                }
                else
                {
                    // The whole index is kept, with every platform the archive holds (docker's containerd store does so).
                    foreach (var blob in nested.Images.SelectMany(i => i.Manifest.Layers))
                    {
                        resolve(LayoutWriter.BlobPath(blob.Digest));
                    }

                    var indexName = NameOf(entry, ImageStore.Pick(nested, null), dockerTags);
                    loaded.Add(await NameAsync(indexName, nested.Descriptor, nested.Id, cancellationToken).ConfigureAwait(false));
                    continue;
                }
            }

            foreach (var blob in image.Manifest.Layers)
            {
                resolve(LayoutWriter.BlobPath(blob.Digest));
            }

            loaded.Add(await NameAsync(NameOf(entry, image, dockerTags), image.ManifestDescriptor, image.Id, cancellationToken).ConfigureAwait(false));
        }

        return loaded;
    }

    /// <summary>Names what was loaded (or keeps it as a dangling image) and returns docker's line for it.</summary>
    private async Task<string> NameAsync(ImageReference? name, Descriptor target, Digest id, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            await images.KeepDanglingAsync(target, cancellationToken).ConfigureAwait(false);
            return $"Loaded image ID: {id}";
        }

        await images.SetAsync(name, target, cancellationToken).ConfigureAwait(false);
        return $"Loaded image: {name.FamiliarString}";
    }

    private static ImageReference? NameOf(Descriptor entry, StoredImage image, List<DockerArchiveManifest> dockerTags)
    {
        if (entry.Annotations is { } annotations)
        {
            if (annotations.TryGetValue(LayoutWriter.ContainerdNameAnnotation, out var full) && ImageReference.TryParse(full, out var r1, out _))
            {
                return r1;
            }

            if (annotations.TryGetValue(LayoutWriter.RefNameAnnotation, out var refName) && ImageReference.TryParse(refName, out var r2, out _)
                && refName.Contains(':', StringComparison.Ordinal) | refName.Contains('/', StringComparison.Ordinal))
            {
                return r2;
            }
        }

        var tag = dockerTags.FirstOrDefault(d => d.Config == LayoutWriter.BlobPath(image.Id))?.RepoTags?.FirstOrDefault();
        return tag is not null && ImageReference.TryParse(tag, out var r3, out _) ? r3 : null;
    }

    private async Task<IReadOnlyList<string>> LoadDockerAsync(byte[] manifestJson, Func<string, (Digest Digest, long Size)> resolve,
        Lease lease, CancellationToken cancellationToken)
    {
        var entries = JsonSerializer.Deserialize(manifestJson, ArchiveJsonContext.Default.ListDockerArchiveManifest)
            ?? throw new ImageException("invalid archive: manifest.json is empty");
        var loaded = new List<string>();
        foreach (var entry in entries)
        {
            var (configDigest, configSize) = resolve(entry.Config);
            var config = await images.ReadConfigAsync(configDigest, cancellationToken).ConfigureAwait(false);
            var layers = new List<Descriptor>();
            foreach (var layerPath in entry.Layers)
            {
                var (digest, size) = resolve(layerPath);
                await using var head = images.Store.Blobs.OpenRead(digest);
                var magic = new byte[4];
                var n = await head.ReadAtLeastAsync(magic, magic.Length, false, cancellationToken).ConfigureAwait(false);
                var mediaType = LayerCompressionDetector.FromMagic(magic.AsSpan(0, n)) switch
                {
                    LayerCompression.Gzip => MediaTypes.OciLayerGzip,
                    LayerCompression.Zstd => MediaTypes.OciLayerZstd,
                    _ => MediaTypes.OciLayer,
                };
                layers.Add(new Descriptor { MediaType = mediaType, Digest = digest, Size = size });
            }

            var manifest = new ImageManifest
            {
                SchemaVersion = 2,
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = configSize },
                Layers = layers,
            };
            OciJson.EnsureConsistent(manifest, config);
            var descriptor = await images.Store.Blobs.WriteAsync(MediaTypes.OciManifest, OciJson.Serialize(manifest), lease, cancellationToken)
                .ConfigureAwait(false);
            descriptor = descriptor with { Platform = new Platform { Os = config.Os, Architecture = config.Architecture, Variant = config.Variant } };
            var tags = entry.RepoTags ?? [];
            foreach (var tag in tags)
            {
                var reference = ImageStore.ParseTarget(tag);
                await images.SetAsync(reference, descriptor, cancellationToken).ConfigureAwait(false);
                loaded.Add($"Loaded image: {reference.FamiliarString}");
            }

            if (tags.Count == 0)
            {
                await images.KeepDanglingAsync(descriptor, cancellationToken).ConfigureAwait(false);
                loaded.Add($"Loaded image ID: {configDigest}");
            }
        }

        return loaded;
    }

    /// <summary>An archive member's name, cleaned; null for names that climb out or are empty.</summary>
    private static string? Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    private static string GoLikeJoin(string name, string target)
    {
        if (target.StartsWith('/'))
        {
            return target;
        }

        var slash = name.LastIndexOf('/');
        return slash < 0 ? target : name[..slash] + "/" + target;
    }
}
