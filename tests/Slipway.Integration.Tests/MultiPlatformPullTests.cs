using System.Text;
using System.Text.Json;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: from an index of linux/amd64 and linux/arm64, <c>pull</c> takes the host's platform
/// unless <c>--platform</c> names another, and a platform the index lacks is a clear error.</summary>
public sealed class MultiPlatformPullTests
{
    private static async Task<(RegistryFixture Registry, string Reference)> StartWithIndexAsync(CancellationToken cancellationToken)
    {
        var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: cancellationToken);
        using var client = RemoteImages.Client(registry.Host);
        var manifests = new List<Descriptor>();
        foreach (var arch in (string[])["amd64", "arm64"])
        {
            var layer = FakeLayer.Of(("etc/arch", Encoding.UTF8.GetBytes(arch + "\n")));
            manifests.Add(await RemoteImages.PushImageAsync(client, "test/multi", arch, [layer], cancellationToken: cancellationToken));
        }

        await RemoteImages.PushIndexAsync(client, "test/multi", "1", manifests, cancellationToken);
        return (registry, $"{registry.Host}/test/multi:1");
    }

    private static async Task<string> ArchitectureAsync(SlipwayRunner runner, string reference)
    {
        var inspect = await runner.OkAsync("inspect", reference);
        using var doc = JsonDocument.Parse(inspect.Output);
        return doc.RootElement[0].GetProperty("Architecture").GetString()!;
    }

    [Fact]
    public async Task Pull_takes_the_host_platform_from_an_index_and_platform_picks_another()
    {
        Capability.RequireTool("docker-registry");
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await StartWithIndexAsync(ct);
        await using var _ = registry;

        using var host = new SlipwayRunner();
        await host.OkAsync("pull", reference);
        Assert.Equal(Platform.Host.Architecture, await ArchitectureAsync(host, reference));

        var other = Platform.Host.Architecture == "arm64" ? "amd64" : "arm64";
        using var foreign = new SlipwayRunner();
        await foreign.OkAsync("pull", "--platform", $"linux/{other}", reference);
        Assert.Equal(other, await ArchitectureAsync(foreign, reference));
        StoreCheck.AssertConsistent(foreign.Root);

        // Pulling the other platform into the same root replaces what the name points at, as docker pull does.
        await host.OkAsync("pull", "--platform", $"linux/{other}", reference);
        Assert.Equal(other, await ArchitectureAsync(host, reference));
        StoreCheck.AssertConsistent(host.Root);
    }

    [Fact]
    public async Task A_platform_the_index_lacks_is_a_clear_error_and_names_nothing()
    {
        Capability.RequireTool("docker-registry");
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await StartWithIndexAsync(ct);
        await using var _ = registry;

        using var runner = new SlipwayRunner();
        var result = await runner.RunAsync("pull", "--platform", "linux/s390x", reference);
        Assert.Equal(1, result.Exit);
        Assert.Contains("no matching manifest for linux/s390x", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Empty(StoreCheck.AssertConsistent(runner.Root));
    }
}
