using System.Security.Cryptography;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: a registry that drops or dies mid-download, or serves a blob with wrong or missing
/// bytes, gives a clear error or a successful retry; afterwards no blob is stored under a digest it does not match,
/// no name points at an incomplete image, and the next pull succeeds once the fault is gone.</summary>
public sealed class PullFaultTests
{
    private const int LayerBytes = 4 << 20;
    private const int CutAt = 1 << 20;

    private sealed record Setup(RegistryFixture Registry, FakeLayer Layer, FaultyProxy Proxy) : IAsyncDisposable
    {
        public string Reference => $"{Proxy.Host}/test/big:1";

        /// <summary>The layer's file in the registry's own storage (filesystem driver layout).</summary>
        public string LayerData => Path.Join(Registry.StorageDirectory, "docker", "registry", "v2", "blobs", "sha256",
            Layer.Digest.Hex[..2], Layer.Digest.Hex, "data");

        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Registry.DisposeAsync();
        }
    }

    private static async Task<Setup> StartAsync(CancellationToken cancellationToken)
    {
        Capability.RequireTool("docker-registry");
        var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: cancellationToken);
        // Random bytes do not shrink under gzip, so the layer blob is big enough to be cut in the middle.
        var layer = FakeLayer.Of(("big.bin", RandomNumberGenerator.GetBytes(LayerBytes)));
        using var client = RemoteImages.Client(registry.Host);
        var manifest = await RemoteImages.PushImageAsync(client, "test/big", Platform.Host.Architecture, [layer],
            cancellationToken: cancellationToken);
        await RemoteImages.TagAsync(client, "test/big", "1", manifest, cancellationToken);
        return new Setup(registry, layer, new FaultyProxy(registry.Url));
    }

    private static async Task AssertFailsCleanlyAsync(SlipwayRunner runner, Setup setup, string expected)
    {
        var result = await runner.RunAsync("pull", setup.Reference);
        Assert.True(result.Exit == 1, $"pull should fail, exited {result.Exit}: {result.Output}{result.Error}");
        Assert.True(result.Error.StartsWith("ERROR: ", StringComparison.Ordinal), result.Error);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Join(runner.Root, "blobs", "sha256", setup.Layer.Digest.Hex)));
        // A pull that fails (rather than being killed) takes its partial download with it.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(runner.Root, "ingest")));
        Assert.Empty(StoreCheck.AssertConsistent(runner.Root));
    }

    private static async Task AssertPullsAsync(SlipwayRunner runner, Setup setup)
    {
        await runner.OkAsync("pull", setup.Reference);
        var names = StoreCheck.AssertConsistent(runner.Root);
        Assert.Equal([ImageReference.Parse(setup.Reference).ToString()], names.Keys);
        Assert.True(File.Exists(Path.Join(runner.Root, "blobs", "sha256", setup.Layer.Digest.Hex)));
    }

    [Fact]
    public async Task A_connection_dropped_mid_blob_is_resumed_with_a_range_request_and_the_pull_succeeds()
    {
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        setup.Proxy.CutAfter(CutAt, thenDown: false);
        await AssertPullsAsync(runner, setup);
        Assert.Equal(1, setup.Proxy.Cuts);
        // The registry's access log shows the resumed download answered with partial content.
        Assert.Matches($@"GET /v2/test/big/blobs/{setup.Layer.Digest} HTTP/1\.1"" 206 ", setup.Registry.Log);
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_after_a_drop_restarts_the_blob_and_the_pull_succeeds()
    {
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        setup.Proxy.CutAfter(CutAt, thenDown: false);
        setup.Proxy.IgnoreRange();
        await AssertPullsAsync(runner, setup);
        Assert.Equal(1, setup.Proxy.Cuts);
        Assert.DoesNotMatch($@"GET /v2/test/big/blobs/{setup.Layer.Digest} HTTP/1\.1"" 206 ", setup.Registry.Log);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(runner.Root, "ingest")));
    }

    [Fact]
    public async Task A_registry_that_stalls_mid_blob_is_given_up_after_the_idle_time_and_the_download_resumes()
    {
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        setup.Proxy.StallAfter(CutAt);
        using var client = new Slipway.Registry.RegistryClient(Slipway.Registry.RegistryEndpoint.For(setup.Proxy.Host),
            new Slipway.Registry.RegistryClientOptions { TimeProvider = TimeProvider.System, IdleTimeout = TimeSpan.FromSeconds(1), RetryBaseDelay = TimeSpan.Zero });
        using var pulled = new MemoryStream();

        await client.GetBlobAsync("test/big", setup.Layer.Digest, pulled, setup.Layer.Compressed.Length,
            TestContext.Current.CancellationToken);

        Assert.Equal(setup.Layer.Compressed, pulled.ToArray());
        Assert.Equal(1, setup.Proxy.Cuts);
        // The registry logs a request once it has sent the response; the client may be done reading before that line
        // reaches the log.
        var resumed = new System.Text.RegularExpressions.Regex($@"GET /v2/test/big/blobs/{setup.Layer.Digest} HTTP/1\.1"" 206 ");
        for (var waited = 0; waited < 100 && !resumed.IsMatch(setup.Registry.Log); waited++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Matches(resumed, setup.Registry.Log);
    }

    [Fact]
    public async Task A_registry_that_stops_mid_download_gives_a_clear_error_and_the_next_pull_succeeds()
    {
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        setup.Proxy.CutAfter(CutAt, thenDown: true);
        await AssertFailsCleanlyAsync(runner, setup, setup.Proxy.Host);
        Assert.Equal(1, setup.Proxy.Cuts);

        setup.Proxy.Restore();
        await AssertPullsAsync(runner, setup);
    }

    [Fact]
    public async Task A_blob_with_wrong_bytes_is_refused_and_the_next_pull_succeeds()
    {
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        var original = await File.ReadAllBytesAsync(setup.LayerData, TestContext.Current.CancellationToken);
        var corrupt = (byte[])original.Clone();
        corrupt[corrupt.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(setup.LayerData, corrupt, TestContext.Current.CancellationToken);
        await AssertFailsCleanlyAsync(runner, setup, $"{setup.Layer.Digest} from {setup.Proxy.Host} hashes to {Digest.Compute(corrupt)}");

        await File.WriteAllBytesAsync(setup.LayerData, original, TestContext.Current.CancellationToken);
        await AssertPullsAsync(runner, setup);
    }

    [Fact]
    public async Task A_truncated_blob_is_refused_and_the_next_pull_succeeds()
    {
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        var original = await File.ReadAllBytesAsync(setup.LayerData, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(setup.LayerData, original.AsMemory(0, original.Length / 2).ToArray(),
            TestContext.Current.CancellationToken);
        await AssertFailsCleanlyAsync(runner, setup, setup.Layer.Digest.Value);

        await File.WriteAllBytesAsync(setup.LayerData, original, TestContext.Current.CancellationToken);
        await AssertPullsAsync(runner, setup);
    }

    [Fact]
    public async Task A_full_disk_fails_the_pull_at_once_saying_so_and_leaves_no_partial_download()
    {
        Capability.RequireRoot();
        await using var setup = await StartAsync(TestContext.Current.CancellationToken);
        using var runner = new SlipwayRunner();
        // A store on a filesystem with room for the manifest and config but not the 4 MiB layer.
        Directory.CreateDirectory(runner.Root);
        await Fixtures.Tool.RunAsync("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", runner.Root);
        try
        {
            var result = await runner.RunAsync("pull", setup.Reference);

            Assert.True(result.Exit == 1, $"pull should fail, exited {result.Exit}: {result.Output}{result.Error}");
            Assert.StartsWith($"ERROR: no space left on device writing {Path.Join(runner.Root, "ingest")}/", result.Error,
                StringComparison.Ordinal);
            Assert.Single(setup.Proxy.Requests, r => r.StartsWith($"GET /v2/test/big/blobs/{setup.Layer.Digest}", StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(runner.Root, "ingest")));
        }
        finally
        {
            await Fixtures.Tool.RunAsync("umount", runner.Root);
        }
    }
}
