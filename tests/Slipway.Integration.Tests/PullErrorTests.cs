using System.Net;
using System.Net.Sockets;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: a pull that fails says what happened, in docker's words, one message per cause: no such
/// host, connection refused, TLS spoken to a plain-HTTP registry, refused credentials (401), an unknown tag (404).</summary>
public sealed class PullErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> FailAsync(params string[] args)
    {
        using var runner = new SlipwayRunner();
        var result = await runner.RunAsync(args);
        Assert.True(result.Exit == 1, $"should fail, exited {result.Exit}: {result.Output}{result.Error}");
        // docker says "TAG: Pulling from REPO" only once the registry has answered with a manifest.
        Assert.Equal("", result.Output);
        return result.Error;
    }

    private static async Task<RegistryFixture> RegistryWithImageAsync(RegistryAuthMode mode)
    {
        Capability.RequireTool("docker-registry");
        var registry = await RegistryFixture.StartAsync(mode, cancellationToken: Ct);
        if (mode == RegistryAuthMode.Anonymous)
        {
            using var client = RemoteImages.Client(registry.Host);
            var manifest = await RemoteImages.PushImageAsync(client, "test/hello", Slipway.Oci.Platform.Host.Architecture,
                [FakeLayer.Of(("hello.txt", "hello"u8.ToArray()))], cancellationToken: Ct);
            await RemoteImages.TagAsync(client, "test/hello", "1", manifest, Ct);
        }

        return registry;
    }

    [Fact]
    public async Task A_registry_that_is_not_running_is_connection_refused()
    {
        var registry = await RegistryWithImageAsync(RegistryAuthMode.Anonymous);
        var host = registry.Host;
        await registry.DisposeAsync();

        var error = await FailAsync("pull", $"{host}/test/hello:1");

        Assert.Equal($"ERROR: Get \"http://{host}/v2/test/hello/manifests/1\": dial tcp {host}: connect: connection refused\n", error);
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_no_such_host_for_pull_and_for_a_build()
    {
        var pull = await FailAsync("pull", "nohost.invalid:5000/x:1");
        using var context = new Fixtures.TempDirectory();
        await File.WriteAllTextAsync(Path.Join(context.Path, "Dockerfile"), "FROM nohost.invalid:5000/x:1\nRUN true\n", Ct);
        var build = await FailAsync("build", "--progress", "quiet", context.Path);

        const string cause = "Get \"https://nohost.invalid:5000/v2/x/manifests/1\": dial tcp: lookup nohost.invalid: no such host";
        Assert.Equal($"ERROR: {cause}\n", pull);
        Assert.Equal($"ERROR: failed to resolve source metadata for nohost.invalid:5000/x:1: {cause}\n", build);
    }

    [Fact]
    public async Task Tls_to_a_registry_that_speaks_plain_http_says_so()
    {
        // A name for this machine's loopback other than localhost, so HTTPS is used as for any remote registry.
        var name = Dns.GetHostName();
        Capability.Require((await Dns.GetHostAddressesAsync(name, Ct)).Any(a => a.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(a)),
            $"needs the host name {name} to resolve to 127.0.0.1");
        await using var registry = await RegistryWithImageAsync(RegistryAuthMode.Anonymous);
        var host = $"{name}:{registry.Url.Port}";

        var error = await FailAsync("pull", $"{host}/test/hello:1");

        Assert.Equal($"ERROR: Get \"https://{host}/v2/test/hello/manifests/1\": http: server gave HTTP response to HTTPS client\n", error);
    }

    [Fact]
    public async Task Refused_credentials_are_pull_access_denied_with_the_registry_s_message()
    {
        await using var registry = await RegistryWithImageAsync(RegistryAuthMode.Basic);

        var error = await FailAsync("pull", $"{registry.Host}/test/hello:1");

        Assert.Equal($"ERROR: pull access denied for {registry.Host}/test/hello, repository does not exist or may require authorization: "
            + "server message: unauthorized: authentication required\n", error);
    }

    [Fact]
    public async Task An_unknown_tag_is_manifest_unknown()
    {
        await using var registry = await RegistryWithImageAsync(RegistryAuthMode.Anonymous);

        var error = await FailAsync("pull", $"{registry.Host}/test/hello:2");

        Assert.Equal($"ERROR: manifest for {registry.Host}/test/hello:2 not found: manifest unknown: manifest unknown\n", error);
    }
}
