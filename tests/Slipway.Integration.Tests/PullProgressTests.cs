using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: a base image that a build must pull shows its download (a vertex of its own, each
/// layer's bytes, done), and <c>slipway pull</c> prints docker's per-layer lines.</summary>
public sealed class PullProgressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(RegistryFixture Registry, FakeLayer Layer, Descriptor Manifest)> StartAsync()
    {
        Capability.RequireTool("docker-registry");
        var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Ct);
        using var client = RemoteImages.Client(registry.Host);
        var layer = FakeLayer.Of(("data.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20)));
        var manifest = await RemoteImages.PushImageAsync(client, "test/base", Platform.Host.Architecture, [layer], cancellationToken: Ct);
        await RemoteImages.TagAsync(client, "test/base", "1", manifest, Ct);
        return (registry, layer, manifest);
    }

    [Fact]
    public async Task Pull_prints_each_layers_status_the_digest_and_the_outcome_as_docker_pull()
    {
        var (registry, layer, manifest) = await StartAsync();
        await using var owned = registry;
        using var runner = new SlipwayRunner();
        var reference = $"{registry.Host}/test/base:1";

        var first = await runner.OkAsync("pull", reference);
        var again = await runner.OkAsync("pull", reference);

        var id = layer.Digest.ShortHex;
        Assert.Equal($"1: Pulling from test/base\n{id}: Pulling fs layer\n{id}: Verifying Checksum\n{id}: Download complete\n{id}: Pull complete\n"
            + $"Digest: {manifest.Digest}\nStatus: Downloaded newer image for {reference}\n{reference}\n", first.Output);
        Assert.Equal($"1: Pulling from test/base\nDigest: {manifest.Digest}\nStatus: Image is up to date for {reference}\n{reference}\n", again.Output);
    }

    [Fact]
    public async Task A_pull_of_an_image_sharing_layers_with_one_in_the_store_says_Already_exists_for_them_as_docker_pull()
    {
        var (registry, layer, _) = await StartAsync();
        await using var owned = registry;
        using var client = RemoteImages.Client(registry.Host);
        var top = FakeLayer.Of(("top.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 10)));
        var other = await RemoteImages.PushImageAsync(client, "test/other", Platform.Host.Architecture, [layer, top], cancellationToken: Ct);
        await RemoteImages.TagAsync(client, "test/other", "2", other, Ct);
        using var runner = new SlipwayRunner();
        await runner.OkAsync("pull", $"{registry.Host}/test/base:1");
        var reference = $"{registry.Host}/test/other:2";

        var pull = await runner.OkAsync("pull", reference);

        var (id, topId) = (layer.Digest.ShortHex, top.Digest.ShortHex);
        Assert.Equal($"2: Pulling from test/other\n{id}: Already exists\n{topId}: Pulling fs layer\n{topId}: Verifying Checksum\n"
            + $"{topId}: Download complete\n{topId}: Pull complete\nDigest: {other.Digest}\nStatus: Downloaded newer image for {reference}\n{reference}\n",
            pull.Output);
    }

    [Fact]
    public async Task A_build_shows_the_base_image_pull_with_its_layers_bytes_before_its_steps()
    {
        var (registry, layer, _) = await StartAsync();
        await using var owned = registry;
        using var runner = new SlipwayRunner();
        using var context = new Fixtures.TempDirectory();
        await File.WriteAllTextAsync(Path.Join(context.Path, "Dockerfile"), $"FROM {registry.Host}/test/base:1\nLABEL a=b\n", Ct);

        var build = await runner.OkAsync("build", "--progress", "plain", context.Path);

        var lines = build.Error.Split('\n');
        Assert.Equal($"#1 [internal] pull {registry.Host}/test/base:1", lines.First(l => l.StartsWith('#')));
        Assert.Contains(lines, l => l.StartsWith($"#1 {layer.Digest} ", StringComparison.Ordinal) && l.EndsWith(" done", StringComparison.Ordinal)
            && l.Contains($" / {Slipway.Cli.Output.Units.ProgressBytes(layer.Compressed.Length)}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("#1 DONE ", StringComparison.Ordinal));
        Assert.Contains($"#2 [stage-0 1/2] FROM {registry.Host}/test/base:1", build.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_pulls_a_missing_image_first_with_the_pull_on_stderr_as_docker_run_does()
    {
        var (registry, layer, manifest) = await StartAsync();
        await using var owned = registry;
        using var runner = new SlipwayRunner();
        var reference = $"{registry.Host}/test/base:1";

        var never = await runner.RunAsync("run", "--rm", "--pull", "never", reference, "/nothing");
        var run = await runner.RunAsync("run", "--rm", reference, "/nothing");

        Assert.Equal(125, never.Exit);
        Assert.Equal($"ERROR: No such image: {reference}\n", never.Error);
        var id = layer.Digest.ShortHex;
        Assert.StartsWith($"Unable to find image '{reference}' locally\n1: Pulling from test/base\n{id}: Pulling fs layer\n", run.Error, StringComparison.Ordinal);
        Assert.Contains($"Digest: {manifest.Digest}\nStatus: Downloaded newer image for {reference}\n", run.Error, StringComparison.Ordinal);
        // The layer has no /nothing: the pull happened and the start failed as docker's would (127).
        Assert.Equal(127, run.Exit);
        Assert.Equal("", run.Output);
        Assert.Equal(manifest.Digest.ToString(), (await runner.OkAsync("images", "--digests", "--format", "{{.Digest}}", reference)).Output.Trim());
    }
}
