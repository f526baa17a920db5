using System.Text.Json;
using Slipway.Build.Cache;
using Slipway.Build.Engine;
using Slipway.Images;
using Slipway.Store.Images;
using Slipway.Oci;
using Slipway.Registry;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Build.Tests.Cache;

/// <summary>A cache imported with <c>--cache-from</c>: another store exports one record (its layer stays in the
/// cache, fetched lazily), this store imports it, and the contract runs on the import.</summary>
public abstract class ImportedCacheContract : StepCacheIndexContract
{
    /// <summary>Where the cache goes and is read from: <c>type=local,dest=DIR</c> or <c>type=registry,ref=…</c>.</summary>
    protected abstract Task<(CacheExportSpec To, CacheImportSpec From)> SpecsAsync();

    protected virtual RegistryClients? Clients => null;

    /// <summary>Publishes a cache manifest made by hand (for caches no exporter would write).</summary>
    protected abstract Task PublishAsync(CacheImportSpec from, byte[] config, byte[] manifest);

    protected override async Task<ICacheIndex<StepState>> CreateAsync()
    {
        var (to, from) = await SpecsAsync();
        var source = LocalStore.Open(Sub("source"), TimeProvider.System);
        var seed = await StateAsync(source, 1000);
        await new LocalCacheIndex(source).SaveAsync(Key("exported"), seed, Token);
        await new CacheExporter(source, Clients, null).ExportAsync(to, [Key("exported")], new Dictionary<string, string>(), null, Token);
        var imports = Own(await new CacheImporter(Store, Clients, w => Assert.Fail(w)).ImportAsync([from], Token));
        Assert.NotNull(await imports.QueryAsync(Key("exported"), Token));
        return imports;
    }

    /// <summary>A cache whose one record names a config that is no digest.</summary>
    protected override async Task<ICacheIndex<StepState>> WithMalformedRecordAsync(CacheKey key)
    {
        var (_, from) = await SpecsAsync();
        using var record = JsonDocument.Parse("{\"config\":\"sha256:nothex\",\"layers\":[]}");
        var config = new CacheConfig { Records = [new CacheEntry { Key = key.Value, Record = record.RootElement.Clone() }] }.Serialize();
        var manifest = OciJson.Serialize(new ImageManifest
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciManifest,
            ArtifactType = CacheMediaTypes.Artifact,
            Config = new Descriptor { MediaType = CacheMediaTypes.Config, Digest = Digest.Compute(config), Size = config.Length },
            Layers = [],
        });
        await PublishAsync(from, config, manifest);
        return Own(await new CacheImporter(Store, Clients, w => Assert.Fail(w)).ImportAsync([from], Token));
    }

    [Fact]
    public async Task An_exported_record_hits_without_fetching_its_layer()
    {
        var imports = await CreateAsync();
        var state = await imports.LoadAsync((await imports.QueryAsync(Key("exported"), Token))!, Token);

        Assert.NotNull(state);
        Assert.False(Store.Blobs.Exists(state.Layers[0].Blob.Digest));
    }
}

/// <summary>An imported cache from a local directory (<c>--cache-from type=local,src=DIR</c>).</summary>
public sealed class DirectoryImportContractTests : ImportedCacheContract
{
    protected override Task<(CacheExportSpec To, CacheImportSpec From)> SpecsAsync()
    {
        Assert.True(CacheExportSpec.TryParse($"type=local,dest={Sub("cache")}", out var to, out _));
        Assert.True(CacheImportSpec.TryParse($"type=local,src={Sub("cache")}", out var from, out _));
        return Task.FromResult((to!, from!));
    }

    protected override async Task PublishAsync(CacheImportSpec from, byte[] config, byte[] manifest)
    {
        var dir = from.Src!;
        foreach (var blob in new[] { config, manifest })
        {
            var path = Path.Join(dir, "blobs", "sha256", Digest.Compute(blob).Hex);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, blob, Token);
        }

        var index = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = MediaTypes.OciIndex,
            Manifests = [new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(manifest), Size = manifest.Length, ArtifactType = CacheMediaTypes.Artifact }],
        };
        await File.WriteAllBytesAsync(Path.Join(dir, "index.json"), OciJson.Serialize(index), Token);
    }
}

/// <summary>An imported cache from a registry (<c>--cache-from type=registry,ref=…</c>), against a real
/// Distribution registry.</summary>
public sealed class RegistryImportContractTests : ImportedCacheContract
{
    private RegistryFixture? _registry;
    private RegistryClients? _clients;

    protected override RegistryClients? Clients => _clients;

    protected override async Task<(CacheExportSpec To, CacheImportSpec From)> SpecsAsync()
    {
        Capability.RequireTool("docker-registry");
        _registry ??= await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Token);
        _clients ??= new RegistryClients(new RegistryClientOptions { MaxAttempts = 1, TimeProvider = TimeProvider.System });
        var reference = $"{_registry.Host}/contract/cache:latest";
        Assert.True(CacheExportSpec.TryParse($"type=registry,ref={reference}", out var to, out _));
        Assert.True(CacheImportSpec.TryParse($"type=registry,ref={reference}", out var from, out _));
        return (to!, from!);
    }

    protected override async Task PublishAsync(CacheImportSpec from, byte[] config, byte[] manifest)
    {
        var reference = from.Ref!;
        var client = _clients!.For(reference.Domain);
        await client.PushBlobAsync(reference.Path, Digest.Compute(config), config.Length, new MemoryStream(config), cancellationToken: Token);
        await client.PutManifestAsync(reference.Path, reference.Tag!, manifest, MediaTypes.OciManifest, Token);
    }

    public override async ValueTask DisposeAsync()
    {
        _clients?.Dispose();
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
