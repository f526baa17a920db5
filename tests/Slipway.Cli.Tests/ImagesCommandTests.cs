using Slipway.Oci;
using Slipway.Store;

namespace Slipway.Cli.Tests;

public sealed class ImagesCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-images-");

    public void Dispose() => _root.Delete(true);

    /// <summary>An image with no layers, written straight into the store: no root or snapshots needed.</summary>
    private async Task<Digest> SeedImageAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig,
            OciJson.Serialize(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } }), ct);
        var manifest = await store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [] }), ct);
        await store.Refs.SetAsync("docker.io/library/seed:1", manifest, ct);
        return config.Digest;
    }

    [Theory]
    [InlineData("joe/web:1", "joe/web")]
    [InlineData("a/b", "a/b")]
    [InlineData("abc/defg:2", "abc/defg")]
    public async Task Images_lists_a_short_docker_hub_name_after_it_is_tagged(string tag, string repository)
    {
        var id = await SeedImageAsync();
        var env = new FakeEnvironment { IsRoot = true };
        Assert.Equal(0, await SlipwayApp.RunAsync(["--root", _root.FullName, "tag", "seed:1", tag], env));

        env = new FakeEnvironment { IsRoot = true };
        Assert.Equal(0, await SlipwayApp.RunAsync(["--root", _root.FullName, "images", "--format", "{{.Repository}} {{.ID}}"], env));
        Assert.Contains($"{repository} {id.ShortHex}", env.Out.ToString(), StringComparison.Ordinal);
        Assert.Equal("", env.Error.ToString());
    }
}
