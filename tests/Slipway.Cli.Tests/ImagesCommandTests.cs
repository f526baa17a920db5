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

    /// <summary>An index of an amd64 image and an arm64 one whose manifest the store lacks, named multi:1.</summary>
    private async Task<(Digest Index, Digest Manifest)> SeedIndexAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        var config = await store.Blobs.WriteAsync(MediaTypes.OciConfig,
            OciJson.Serialize(new ImageConfig { Architecture = "amd64", Os = "linux", RootFs = new RootFs { DiffIds = [] } }), ct);
        var manifest = await store.Blobs.WriteAsync(MediaTypes.OciManifest,
            OciJson.Serialize(new ImageManifest { MediaType = MediaTypes.OciManifest, Config = config, Layers = [] }), ct);
        var absent = Descriptor.For(MediaTypes.OciManifest, "not pulled"u8) with
        {
            Platform = new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" },
        };
        var index = await store.Blobs.WriteAsync(MediaTypes.OciIndex, OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests = [manifest with { Platform = Platform.Linux("amd64") }, absent],
        }), ct);
        await store.Refs.SetAsync("docker.io/library/multi:1", index, ct);
        return (index.Digest, manifest.Digest);
    }

    [Fact]
    public async Task Images_shows_a_name_of_an_index_once_with_the_index_digest_as_its_id()
    {
        var (index, _) = await SeedIndexAsync();
        var env = new FakeEnvironment { IsRoot = true };

        Assert.Equal(0, await SlipwayApp.RunAsync(["--root", _root.FullName, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}} {{.Digest}}"], env));

        Assert.Equal($"multi:1 {index.ShortHex} {index}\n", env.Out.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Images_tree_shows_each_platform_of_an_index_and_the_one_not_stored()
    {
        var (index, manifest) = await SeedIndexAsync();
        var env = new FakeEnvironment { IsRoot = true };

        Assert.Equal(0, await SlipwayApp.RunAsync(["--root", _root.FullName, "images", "--tree"], env));

        var lines = env.Out.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.StartsWith($"multi:1                 {index.ShortHex}", lines[4], StringComparison.Ordinal);
        Assert.StartsWith($"├─ linux/amd64          {manifest.ShortHex}", lines[6], StringComparison.Ordinal);
        Assert.StartsWith("└─ linux/arm64/v8       ", lines[7], StringComparison.Ordinal);
        Assert.EndsWith("0B             0B        ", lines[7], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_tree_refuses_quiet_as_docker_does()
    {
        await SeedIndexAsync();
        var env = new FakeEnvironment { IsRoot = true };

        Assert.Equal(1, await SlipwayApp.RunAsync(["--root", _root.FullName, "images", "--tree", "-q"], env));

        Assert.Contains("--quiet is not yet supported with --tree", env.Error.ToString(), StringComparison.Ordinal);
    }
}
