using Slipway.Build.Cache;
using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Solver;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Build.Tests.Cache;

/// <summary>The cache index contract over step results: each derived class answers for one implementation, with
/// <see cref="Store"/> the store its results live in. A result is one layer blob (in that store) and a config.</summary>
public abstract class StepCacheIndexContract : CacheIndexContract<StepState>, IAsyncDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-index-");
    private readonly List<IDisposable> _owned = [];

    protected StepCacheIndexContract()
    {
        Store = LocalStore.Open(Sub("store"), TimeProvider.System);
    }

    /// <summary>The store the index under test answers for.</summary>
    protected LocalStore Store { get; }

    protected string Sub(string name) => Path.Join(_dir.FullName, name);

    /// <summary>Disposed with the test.</summary>
    protected T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public virtual ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _dir.Delete(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected override Task<StepState> ResultAsync(ICacheIndex<StepState> index, int seed) => StateAsync(Store, seed);

    /// <summary>A step state whose one layer blob is written to <paramref name="store"/>.</summary>
    protected static async Task<StepState> StateAsync(LocalStore store, int seed)
    {
        var layer = await store.Blobs.WriteAsync(MediaTypes.OciLayerGzip, System.Text.Encoding.UTF8.GetBytes($"layer {seed}"), Token);
        var diffId = Digest.Compute(System.Text.Encoding.UTF8.GetBytes($"uncompressed {seed}"));
        return new StepState
        {
            Layers = [new LayerRef(layer, diffId)],
            Config = new ImageConfig { Architecture = "amd64", Os = "linux", Author = $"seed {seed}", RootFs = new RootFs { DiffIds = [diffId] } },
            Args = new Dictionary<string, string?>(),
        };
    }

    protected override bool Same(StepState saved, StepState loaded) =>
        saved.Layers.Select(l => (l.Blob.Digest, l.Blob.Size, l.Blob.MediaType, l.DiffId))
            .SequenceEqual(loaded.Layers.Select(l => (l.Blob.Digest, l.Blob.Size, l.Blob.MediaType, l.DiffId)))
        && OciJson.Serialize(saved.Config).AsSpan().SequenceEqual(OciJson.Serialize(loaded.Config));

    protected override Task LoseContentAsync(ICacheIndex<StepState> index, StepState result)
    {
        foreach (var layer in result.Layers)
        {
            File.Delete(Store.Layout.BlobPath(layer.Blob.Digest));
        }

        return Task.CompletedTask;
    }
}

/// <summary>The store's own build cache under <c>&lt;root&gt;/cache</c>.</summary>
public sealed class LocalCacheIndexContractTests : StepCacheIndexContract
{
    protected override Task<ICacheIndex<StepState>> CreateAsync() => Task.FromResult<ICacheIndex<StepState>>(new LocalCacheIndex(Store));

    /// <summary>A record file that is not a record (a torn write of another version, a foreign file).</summary>
    protected override async Task<ICacheIndex<StepState>> WithMalformedRecordAsync(CacheKey key)
    {
        var dir = Directory.CreateDirectory(Path.Join(Store.Layout.Root, "cache")).FullName;
        await File.WriteAllTextAsync(Path.Join(dir, key.Digest.Hex + ".json"), "{\"config\":\"sha256:nothex\",\"layers\":[", Token);
        return new LocalCacheIndex(Store);
    }

    [Fact]
    public async Task What_a_build_loads_or_saves_joins_its_lease()
    {
        using var lease = Store.CreateLease();
        var index = new LocalCacheIndex(Store, lease);
        var state = await StateAsync(Store, 1);
        await index.SaveAsync(Key("a"), state, Token);

        Assert.Contains(state.Layers[0].Blob.Digest, lease.Digests);
        Assert.Contains(state.Layers[0].DiffId, lease.Digests);
    }
}
