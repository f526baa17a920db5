using Slipway.Build.Cache;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;

namespace Slipway.Build.Tests.Cache;

/// <summary>A cache exported from one store through a layout directory and imported into another, without
/// containers: records hit at once, layers come only when asked for, and tampered blobs are refused.</summary>
public sealed class CacheRoundTripTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-cache-rt-");

    public void Dispose() => _dir.Delete(true);

    private string Sub(string name) => Path.Join(_dir.FullName, name);

    private static async Task<(CacheKey Key, Descriptor Layer)> SeedAsync(LocalStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = await store.Blobs.WriteAsync(MediaTypes.OciLayerGzip, "not really a layer"u8.ToArray(), ct);
        var diffId = Digest.Compute("uncompressed"u8);
        var state = new StepState
        {
            Layers = [new LayerRef(layer, diffId)],
            Config = new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [diffId] } },
            Args = new Dictionary<string, string?> { ["A"] = "1" },
        };
        var key = new CacheKey(Digest.Compute("step"u8));
        await new LocalCacheIndex(store).SaveAsync(key, state, ct);
        return (key, layer);
    }

    [Fact]
    public async Task An_imported_record_hits_before_its_layer_is_fetched_and_the_layer_comes_when_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = LocalStore.Open(Sub("a"), TimeProvider.System);
        var (key, layer) = await SeedAsync(a);
        Assert.True(CacheExportSpec.TryParse($"type=local,dest={Sub("cache")}", out var to, out _));
        await new CacheExporter(a, null, null).ExportAsync(to!, [key], new Dictionary<string, string>(), null, ct);

        var b = LocalStore.Open(Sub("b"), TimeProvider.System);
        Assert.True(CacheImportSpec.TryParse($"type=local,src={Sub("cache")}", out var from, out _));
        using var imports = await new CacheImporter(b, null, w => Assert.Fail(w)).ImportAsync([from!], ct);

        var state = await imports.LoadAsync((await imports.QueryAsync(key, ct))!, ct);
        Assert.NotNull(state);
        // ARG values are not the record's: the op puts the running build's back.
        Assert.Empty(state.Args);
        Assert.False(b.Blobs.Exists(layer.Digest));

        await imports.EnsureAsync(state.Layers[0].Blob, ct);
        Assert.True(b.Blobs.Exists(layer.Digest));
    }

    [Fact]
    public async Task A_tampered_layer_in_the_cache_directory_is_refused_when_fetched()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = LocalStore.Open(Sub("a"), TimeProvider.System);
        var (key, layer) = await SeedAsync(a);
        Assert.True(CacheExportSpec.TryParse($"type=local,dest={Sub("cache")}", out var to, out _));
        await new CacheExporter(a, null, null).ExportAsync(to!, [key], new Dictionary<string, string>(), null, ct);
        await File.WriteAllTextAsync(Path.Join(Sub("cache"), "blobs", "sha256", layer.Digest.Hex), "NOT REALLY A LAYER", ct);

        var b = LocalStore.Open(Sub("b"), TimeProvider.System);
        Assert.True(CacheImportSpec.TryParse($"type=local,src={Sub("cache")}", out var from, out _));
        using var imports = await new CacheImporter(b, null, w => Assert.Fail(w)).ImportAsync([from!], ct);

        var error = await Assert.ThrowsAsync<BuildException>(() => imports.EnsureAsync(layer, ct));
        Assert.Contains($"fetching {layer.Digest} from the cache at", error.Message, StringComparison.Ordinal);
        Assert.False(b.Blobs.Exists(layer.Digest));
    }

    [Fact]
    public async Task A_directory_without_a_cache_is_a_warning()
    {
        var warnings = new List<string>();
        Assert.True(CacheImportSpec.TryParse($"type=local,src={Sub("none")}", out var from, out _));
        using var imports = await new CacheImporter(LocalStore.Open(Sub("b"), TimeProvider.System), null, warnings.Add).ImportAsync([from!], TestContext.Current.CancellationToken);
        Assert.Equal(0, imports.RecordCount);
        Assert.Contains("no index.json", Assert.Single(warnings), StringComparison.Ordinal);
    }
}
