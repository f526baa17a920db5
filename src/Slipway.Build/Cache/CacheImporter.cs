using System.Text.Json;
using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Oci;
using Slipway.Registry;
using Slipway.Store;

namespace Slipway.Build.Cache;

/// <summary>Reads what <c>--cache-from</c> names: a cache manifest (registry or local layout) or an image with an
/// inline cache. Only the manifest, the cache config and the records' configs are read; layers wait until needed.
/// A cache that is not there is a warning, as in BuildKit: the build goes on without it. The layers of the hits the
/// imports answer join <paramref name="buildLease"/>.</summary>
public sealed class CacheImporter(LocalStore store, RegistryClients? clients, Action<string> warn, Lease? buildLease = null)
{
    public async Task<CacheImports> ImportAsync(IReadOnlyList<CacheImportSpec> specs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var imports = new CacheImports(store, buildLease);
        try
        {
            foreach (var spec in specs)
            {
                try
                {
                    if (spec.Type == CacheType.Local)
                    {
                        await ImportLocalAsync(imports, spec.Src!, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await ImportRegistryAsync(imports, spec.Ref!, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is IOException or StoreException or JsonException or FormatException or OciFormatException
                    or InvalidDataException or RegistryException or IdleTimeoutException or HttpRequestException or UnauthorizedAccessException)
                {
                    warn($"failed to import cache from {spec.Ref?.FamiliarString ?? spec.Src}: {ErrorText.Describe(ex)}");
                }
            }

            return imports;
        }
        catch
        {
            imports.Dispose();
            throw;
        }
    }

    private async Task ImportRegistryAsync(CacheImports imports, ImageReference reference, CancellationToken cancellationToken)
    {
        if (clients is null)
        {
            throw new InvalidDataException("no registry access in this build");
        }

        var client = clients.For(reference.Domain);
        RegistryManifest response;
        try
        {
            response = await client.GetManifestAsync(reference.Path, reference.Selector, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            warn($"no cache at {reference.FamiliarString} yet: building without it");
            return;
        }

        var manifests = new List<RegistryManifest> { response };
        if (MediaTypes.IsIndex(response.MediaType))
        {
            // An image index: an inline cache rides on each platform's manifest. A multi-platform build's index has
            // every platform's records (their keys differ by platform), the host's first.
            var index = OciJson.ParseIndex(response.Content.Span, response.MediaType);
            var matcher = new PlatformMatcher(Platform.Host);
            var entries = index.Manifests.Where(m => m.Platform is { Os: not "unknown" } || m.Platform is null)
                .OrderBy(m => m.Platform is { } p && matcher.Rank(p) is var r and >= 0 ? r : int.MaxValue).ToList();
            if (entries.Count == 0)
            {
                throw new InvalidDataException($"no image manifest in {reference.FamiliarString}");
            }

            manifests.Clear();
            foreach (var entry in entries)
            {
                manifests.Add(await client.GetManifestAsync(reference.Path, entry.Digest.Value, cancellationToken).ConfigureAwait(false));
            }
        }

        var source = new RegistrySource(client, reference);
        foreach (var each in manifests)
        {
            var manifest = OciJson.ParseManifest(each.Content.Span, each.MediaType);
            await AddManifestAsync(imports, manifest, source, async (blob, token) =>
            {
                using var buffer = new MemoryStream();
                await source.CopyAsync(blob, buffer, token).ConfigureAwait(false);
                return buffer.ToArray();
            }, reference.FamiliarString, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ImportLocalAsync(CacheImports imports, string directory, CancellationToken cancellationToken)
    {
        var indexFile = Path.Join(directory, "index.json");
        if (!File.Exists(indexFile))
        {
            warn($"no cache in {directory} yet (no index.json): building without it");
            return;
        }

        var index = OciJson.ParseIndex(await File.ReadAllBytesAsync(indexFile, cancellationToken).ConfigureAwait(false));
        var entry = index.Manifests.LastOrDefault(m => m.ArtifactType == CacheMediaTypes.Artifact) ?? (index.Manifests.Count > 0 ? index.Manifests[^1] : null)
            ?? throw new InvalidDataException("index.json lists no manifest");
        var source = new LayoutSource(directory);
        var manifest = OciJson.ParseManifest(await ReadVerifiedAsync(source, entry, cancellationToken).ConfigureAwait(false));
        await AddManifestAsync(imports, manifest, source, (blob, token) => ReadVerifiedAsync(source, blob, token), directory, cancellationToken)
            .ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadVerifiedAsync(LayoutSource source, Descriptor blob, CancellationToken cancellationToken)
    {
        if (blob.Size > CacheMediaTypes.MaxConfigBytes)
        {
            throw new InvalidDataException($"{blob.Digest} is {blob.Size} bytes, more than a cache document may be");
        }

        using var buffer = new MemoryStream();
        await source.CopyAsync(blob, buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        if (Digest.Compute(bytes) != blob.Digest)
        {
            throw new InvalidDataException($"{source.Name}: blob {blob.Digest} does not hash to its digest");
        }

        return bytes;
    }

    private async Task AddManifestAsync(CacheImports imports, ImageManifest manifest, IBlobSource source,
        Func<Descriptor, CancellationToken, Task<byte[]>> read, string name, CancellationToken cancellationToken)
    {
        if (manifest.Config.MediaType == CacheMediaTypes.Config)
        {
            if (manifest.Config.Size > CacheMediaTypes.MaxConfigBytes)
            {
                throw new InvalidDataException($"cache config is {manifest.Config.Size} bytes, more than {CacheMediaTypes.MaxConfigBytes}");
            }

            var bytes = await read(manifest.Config, cancellationToken).ConfigureAwait(false);
            if (Digest.Compute(bytes) != manifest.Config.Digest)
            {
                throw new InvalidDataException($"cache config {manifest.Config.Digest} does not hash to its digest");
            }

            await imports.AddAsync(CacheConfig.Parse(bytes), manifest.Layers, source, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (manifest.Annotations?.GetValueOrDefault(CacheMediaTypes.InlineAnnotation) is { } inline)
        {
            var config = CacheConfig.FromInline(inline);
            var configs = new Dictionary<Digest, byte[]>();
            foreach (var entry in config.Records.Where(e => e.ConfigData is not null))
            {
                var data = Convert.FromBase64String(entry.ConfigData!);
                configs.TryAdd(Digest.Compute(data), data);
            }

            // The image's layers are the cache's layers.
            await imports.AddAsync(config, manifest.Layers, source, configs, cancellationToken).ConfigureAwait(false);
            return;
        }

        warn($"{name} holds no build cache (neither a cache manifest nor an image with an inline cache)");
    }
}
