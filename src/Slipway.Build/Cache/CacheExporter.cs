using System.Text.Json;
using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Store.Layers;

namespace Slipway.Build.Cache;

/// <summary>Writes what <c>--cache-to</c> asks for: the records of the chosen steps with the blobs they refer to
/// (and, when asked, the contents of cache mounts) as a cache manifest, pushed to a registry or written as an
/// OCI layout; or the inline form, an annotation for the image's own manifest.</summary>
public sealed class CacheExporter(LocalStore store, RegistryClients? clients, CacheImports? imports)
{
    private readonly LocalCacheIndex _cache = new(store);

    /// <summary>The records of <paramref name="keys"/> as shipped: from the store's build cache, or as imported
    /// when the step was answered from an imported cache. Steps with neither are left out.</summary>
    public async Task<List<StepCacheRecord>> RecordsAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken)
    {
        var result = new List<StepCacheRecord>();
        foreach (var key in keys.Distinct().Order(Comparer<CacheKey>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value))))
        {
            var record = await _cache.QueryAsync(key, cancellationToken).ConfigureAwait(false)
                ?? (imports is null ? null : await imports.QueryAsync(key, cancellationToken).ConfigureAwait(false));
            if (record is StepCacheRecord found)
            {
                result.Add(found);
            }
        }

        return result;
    }

    /// <summary>The inline cache of the image: its records, each embedding its config (the image carries the
    /// layers, not the configs of the steps that led to it).</summary>
    public async Task<string> InlineAsync(IEnumerable<CacheKey> keys, CancellationToken cancellationToken)
    {
        var config = new CacheConfig();
        foreach (var record in await RecordsAsync(keys, cancellationToken).ConfigureAwait(false))
        {
            var data = await store.Blobs.ReadAllBytesAsync(record.Blobs.Config, cancellationToken).ConfigureAwait(false);
            config.Records.Add(new CacheEntry { Key = record.Key.Value, Record = Element(record.Json), ConfigData = Convert.ToBase64String(data) });
        }

        return config.ToInline();
    }

    /// <summary>Exports to a registry or a local directory. <paramref name="stageFingerprints"/> (what the build's
    /// <c>COPY --from=&lt;stage&gt;</c> steps read) go with a max cache only: it is the one that carries the stages,
    /// and a root that reruns a stage makes other layers, so their memos could not serve it.</summary>
    public async Task ExportAsync(CacheExportSpec spec, IEnumerable<CacheKey> keys, IReadOnlyDictionary<string, string> mountDirs,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? stageFingerprints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(mountDirs);
        using var lease = store.CreateLease();
        var config = new CacheConfig();
        if (spec.Mode == CacheMode.Max && stageFingerprints is { Count: > 0 })
        {
            config.Fingerprints = [.. stageFingerprints.OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => new CacheFingerprintEntry { Id = f.Key, Files = new Dictionary<string, string>(f.Value, StringComparer.Ordinal) })];
        }

        var blobs = new Dictionary<Digest, Descriptor>();
        foreach (var (key, json, recordBlobs) in await RecordsAsync(keys, cancellationToken).ConfigureAwait(false))
        {
            config.Records.Add(new CacheEntry { Key = key.Value, Record = Element(json) });
            var size = store.Blobs.GetSize(recordBlobs.Config) ?? throw new BuildException($"cache record {key}: config blob {recordBlobs.Config} is missing");
            blobs.TryAdd(recordBlobs.Config, new Descriptor { MediaType = MediaTypes.OciConfig, Digest = recordBlobs.Config, Size = size });
            foreach (var layer in recordBlobs.Layers)
            {
                blobs.TryAdd(layer.Blob.Digest, layer.Blob with { Annotations = null, Platform = null });
            }
        }

        if (spec.CacheMounts)
        {
            foreach (var (id, dir) in mountDirs.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (!Directory.Exists(dir) || !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    continue;
                }

                var layer = await WriteMountLayerAsync(dir, lease, cancellationToken).ConfigureAwait(false);
                config.Mounts.Add(new CacheMountEntry { Id = id, Digest = layer.Digest.Value, MediaType = layer.MediaType, Size = layer.Size });
                blobs.TryAdd(layer.Digest, layer with { Annotations = new Dictionary<string, string> { [CacheMediaTypes.MountIdAnnotation] = id } });
            }
        }

        var configBlob = await store.Blobs.WriteAsync(CacheMediaTypes.Config, config.Serialize(), lease, cancellationToken).ConfigureAwait(false);
        var manifest = new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            ArtifactType = CacheMediaTypes.Artifact,
            Config = configBlob,
            Layers = [.. blobs.Values],
        };
        var manifestBytes = OciJson.Serialize(manifest);
        if (spec.Type == CacheType.Registry)
        {
            await PushAsync(spec.Ref!, manifest, manifestBytes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteLayoutAsync(spec.Dest!, manifest, manifestBytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private static JsonElement Element(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private async Task<Descriptor> WriteMountLayerAsync(string dir, Lease lease, CancellationToken cancellationToken)
    {
        var writer = store.Blobs.OpenWriter(lease: lease);
        await using (writer.ConfigureAwait(false))
        {
            var written = await LayerWriter.WriteAsync(dir, writer, new LayerWriteOptions { Compression = LayerCompression.Gzip }, cancellationToken)
                .ConfigureAwait(false);
            await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = written.Digest, Size = written.Size };
        }
    }

    /// <summary>A blob the store lacks (a layer of a step that was itself answered from an imported cache) is
    /// fetched first, unless the target already has it.</summary>
    private async Task PushAsync(ImageReference target, ImageManifest manifest, byte[] manifestBytes, CancellationToken cancellationToken)
    {
        if (clients is null)
        {
            throw new BuildException($"exporting cache to {target.FamiliarString} needs registry access");
        }

        var client = clients.For(target.Domain);
        using (var slots = new SemaphoreSlim(3))
        {
            await Task.WhenAll(manifest.Layers.Append(manifest.Config).Select(async blob =>
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!store.Blobs.Exists(blob.Digest))
                    {
                        if (await client.BlobExistsAsync(target.Path, blob.Digest, cancellationToken).ConfigureAwait(false))
                        {
                            return;
                        }

                        await EnsureAsync(blob, cancellationToken).ConfigureAwait(false);
                    }

                    var content = store.Blobs.OpenVerifiedRead(blob.Digest);
                    await using (content.ConfigureAwait(false))
                    {
                        await client.PushBlobAsync(target.Path, blob.Digest, blob.Size, content, null, cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    slots.Release();
                }
            })).ConfigureAwait(false);
        }

        await client.PutManifestAsync(target.Path, target.Digest?.Value ?? target.Tag ?? ImageReference.DefaultTag, manifestBytes,
            MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An OCI layout: blobs are added (a directory exported to before keeps its older blobs, so two
    /// builds may share one), index.json is replaced to point at this cache.</summary>
    private async Task WriteLayoutAsync(string directory, ImageManifest manifest, byte[] manifestBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var target = new LayoutSource(directory);
        foreach (var blob in manifest.Layers.Append(manifest.Config))
        {
            var path = target.PathOf(blob.Digest);
            if (File.Exists(path) && new FileInfo(path).Length == blob.Size)
            {
                continue;
            }

            await EnsureAsync(blob, cancellationToken).ConfigureAwait(false);
            var content = store.Blobs.OpenVerifiedRead(blob.Digest);
            await using (content.ConfigureAwait(false))
            {
                await WriteFileAsync(path, content, cancellationToken).ConfigureAwait(false);
            }
        }

        var manifestDigest = Digest.Compute(manifestBytes);
        await WriteFileAsync(target.PathOf(manifestDigest), new MemoryStream(manifestBytes), cancellationToken).ConfigureAwait(false);
        var index = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests =
            [
                new Descriptor
                {
                    MediaType = MediaTypes.OciManifest,
                    Digest = manifestDigest,
                    Size = manifestBytes.Length,
                    ArtifactType = CacheMediaTypes.Artifact,
                    Annotations = new Dictionary<string, string> { [LayoutWriter.RefNameAnnotation] = "latest" },
                },
            ],
        };
        await WriteFileAsync(Path.Join(directory, "oci-layout"), new MemoryStream("{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()), cancellationToken)
            .ConfigureAwait(false);
        await WriteFileAsync(Path.Join(directory, "index.json"), new MemoryStream(OciJson.Serialize(index)), cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureAsync(Descriptor blob, CancellationToken cancellationToken)
    {
        if (store.Blobs.Exists(blob.Digest))
        {
            return;
        }

        if (imports is null)
        {
            throw new BuildException($"cannot export cache: blob {blob.Digest} is missing from the store");
        }

        await imports.EnsureAsync(blob, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteFileAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using (file.ConfigureAwait(false))
        {
            await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
