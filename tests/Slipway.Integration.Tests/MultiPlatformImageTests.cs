using System.Formats.Tar;
using System.Text.Json;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue 16, the store's part: the busybox-multiplatform fixture (one index, linux/amd64 and linux/arm64) is
/// one image with two platforms through images, images --tree, inspect/history --platform, save and load into a fresh
/// store, push (the registry gets the index), and rmi then prune leave a consistent store.</summary>
public sealed class MultiPlatformImageTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("slipway-multi-image-");

    public void Dispose() => _temp.Delete(true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Loads the fixture as <paramref name="tag"/> the way tests load fixtures; returns the loaded id.</summary>
    private async Task<string> LoadFixtureAsync(SlipwayRunner runner, string tag)
    {
        var archive = Path.Join(_temp.FullName, "fixture.tar");
        if (!File.Exists(archive))
        {
            await TarFile.CreateFromDirectoryAsync(await BaseImages.GetAsync("busybox-multiplatform", Token), archive, includeBaseDirectory: false, Token);
        }

        var loaded = await runner.OkAsync("load", "-i", archive);
        var id = loaded.Output.Split('\n').First(l => l.StartsWith("Loaded image ID: ", StringComparison.Ordinal))["Loaded image ID: ".Length..].Trim();
        await runner.OkAsync("tag", id, tag);
        return id;
    }

    private static async Task<string> FieldAsync(SlipwayRunner runner, string field, params string[] args)
    {
        var inspect = await runner.OkAsync(["inspect", .. args]);
        using var doc = JsonDocument.Parse(inspect.Output);
        return doc.RootElement[0].GetProperty(field).GetString()!;
    }

    private static void AssertBothPlatforms(string tree, string id)
    {
        Assert.Contains("busybox:multi", tree, StringComparison.Ordinal);
        Assert.Contains(Digest.Parse(id).ShortHex, tree, StringComparison.Ordinal);
        Assert.Contains("├─ linux/amd64", tree, StringComparison.Ordinal);
        Assert.Contains("└─ linux/arm64", tree, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_is_one_image_with_two_platforms_from_load_to_push_and_rmi()
    {
        Capability.RequireTool("docker-registry");
        using var runner = new SlipwayRunner();
        var id = await LoadFixtureAsync(runner, "busybox:multi");

        var images = await runner.OkAsync("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
        Assert.Contains($"busybox:multi {Digest.Parse(id).ShortHex}", images.Output, StringComparison.Ordinal);
        AssertBothPlatforms((await runner.OkAsync("images", "--tree")).Output, id);

        Assert.Equal(id, await FieldAsync(runner, "Id", "busybox:multi"));
        Assert.Equal("arm64", await FieldAsync(runner, "Architecture", "--platform", "linux/arm64", "busybox:multi"));
        Assert.Equal("amd64", await FieldAsync(runner, "Architecture", "--platform", "linux/amd64", "busybox:multi"));
        await runner.OkAsync("history", "--platform", "linux/arm64", "busybox:multi");
        var missing = await runner.RunAsync("inspect", "--platform", "linux/s390x", "busybox:multi");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("image with reference busybox:multi was found but does not provide the specified platform (linux/s390x)", missing.Error,
            StringComparison.Ordinal);

        // save, then load into a fresh store: the index comes back whole under its name.
        var saved = Path.Join(_temp.FullName, "saved.tar");
        await runner.OkAsync("save", "-o", saved, "busybox:multi");
        using (var fresh = new SlipwayRunner())
        {
            Assert.Contains("Loaded image: busybox:multi", (await fresh.OkAsync("load", "-i", saved)).Output, StringComparison.Ordinal);
            AssertBothPlatforms((await fresh.OkAsync("images", "--tree")).Output, id);
            Assert.Equal("arm64", await FieldAsync(fresh, "Architecture", "--platform", "linux/arm64", "busybox:multi"));
            StoreCheck.AssertConsistent(fresh.Root);
        }

        // push: every platform, then the index, whose digest is the local one.
        await using (var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Token))
        {
            var remote = $"{registry.Host}/test/multi:1";
            await runner.OkAsync("tag", "busybox:multi", remote);
            var pushed = await runner.OkAsync("push", remote);
            Assert.Contains($"1: digest: {id}", pushed.Output, StringComparison.Ordinal);
            using var client = RemoteImages.Client(registry.Host);
            var top = await client.GetManifestAsync("test/multi", "1", Token);
            Assert.True(MediaTypes.IsIndex(top.MediaType), top.MediaType);
            Assert.Equal(id, top.Digest.Value);
            foreach (var child in OciJson.ParseIndex(top.Content.Span).Manifests)
            {
                Assert.True(MediaTypes.IsManifest((await client.GetManifestAsync("test/multi", child.Digest.Value, Token)).MediaType));
            }

            Assert.Equal(["Untagged: " + remote], (await runner.OkAsync("rmi", remote)).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        var removed = await runner.OkAsync("rmi", "busybox:multi");
        Assert.Contains($"Deleted: {id}", removed.Output, StringComparison.Ordinal);
        await runner.OkAsync("prune");
        Assert.Empty(StoreCheck.AssertConsistent(runner.Root));
        Assert.DoesNotContain("busybox", (await runner.OkAsync("images")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_with_a_platform_keeps_one_and_load_with_a_platform_takes_one()
    {
        using var runner = new SlipwayRunner();
        var id = await LoadFixtureAsync(runner, "busybox:multi");
        var saved = Path.Join(_temp.FullName, "arm64.tar");

        await runner.OkAsync("save", "--platform", "linux/arm64", "-o", saved, "busybox:multi");

        using var fresh = new SlipwayRunner();
        await fresh.OkAsync("load", "-i", saved);
        Assert.Equal("arm64", await FieldAsync(fresh, "Architecture", "busybox:multi"));
        Assert.NotEqual(id, await FieldAsync(fresh, "Id", "busybox:multi"));
        StoreCheck.AssertConsistent(fresh.Root);
    }

    [Fact]
    public async Task Pull_with_a_platform_refuses_a_single_manifest_of_another_platform_and_names_nothing()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Token);
        using (var client = RemoteImages.Client(registry.Host))
        {
            var layer = FakeLayer.Of(("etc/arch", "amd64\n"u8.ToArray()));
            var manifest = await RemoteImages.PushImageAsync(client, "test/single", "amd64", [layer], cancellationToken: Token);
            await RemoteImages.TagAsync(client, "test/single", "1", manifest, Token);
        }

        using var runner = new SlipwayRunner();
        var reference = $"{registry.Host}/test/single:1";
        var result = await runner.RunAsync("pull", "--platform", "linux/arm64", reference);

        Assert.Equal(1, result.Exit);
        Assert.Contains($"image with reference {reference} was found but its platform (linux/amd64) does not match the specified platform (linux/arm64)",
            result.Error, StringComparison.Ordinal);
        Assert.Empty(StoreCheck.AssertConsistent(runner.Root));
        await runner.OkAsync("pull", "--platform", "linux/amd64", reference);
    }
}
