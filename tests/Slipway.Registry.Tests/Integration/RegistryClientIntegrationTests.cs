using System.Net;
using System.Security.Cryptography;
using System.Text;
using Slipway.Oci;
using Slipway.Registry.Auth;
using Slipway.Testing;

namespace Slipway.Registry.Tests.Integration;

/// <summary>The client against a real registry in each auth mode.</summary>
public sealed class RegistryClientIntegrationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<RegistryAuthMode> Modes =>
        [RegistryAuthMode.Anonymous, RegistryAuthMode.Basic, RegistryAuthMode.Token];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Ping_succeeds_with_the_right_credentials(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry);

        await client.PingAsync(Cancel);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_blob_pushed_in_one_piece_comes_back_with_its_digest(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry);
        var bytes = RandomNumberGenerator.GetBytes(3000);
        var digest = Digest.Compute(bytes);

        var outcome = await client.PushBlobAsync("it/one", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Uploaded, outcome);
        Assert.Equal(bytes.Length, await client.HeadBlobAsync("it/one", digest, Cancel));
        using var pulled = new MemoryStream();
        Assert.Equal(bytes.Length, await client.GetBlobAsync("it/one", digest, pulled, bytes.Length, Cancel));
        Assert.Equal(bytes, pulled.ToArray());
        Assert.Equal(BlobPushOutcome.AlreadyExists,
            await client.PushBlobAsync("it/one", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_blob_pushed_in_chunks_comes_back_with_its_digest(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry, new RegistryClientOptions
        {
            TimeProvider = TimeProvider.System,
            Credentials = CredentialsFor(registry),
            MonolithicUploadLimit = 1024,
            ChunkSize = 4096,
        });
        var bytes = RandomNumberGenerator.GetBytes(4096 * 3 + 100);
        var digest = Digest.Compute(bytes);

        var outcome = await client.PushBlobAsync("it/chunked", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Uploaded, outcome);
        using var pulled = new MemoryStream();
        await client.GetBlobAsync("it/chunked", digest, pulled, bytes.Length, Cancel);
        Assert.Equal(bytes, pulled.ToArray());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_manifest_pushed_by_tag_is_pulled_by_tag_and_by_digest(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry);
        var manifest = await PushSmallImageAsync(client, "it/image", "v1");

        var byTag = await client.GetManifestAsync("it/image", "v1", Cancel);
        var byDigest = await client.GetManifestAsync("it/image", manifest.Digest.Value, Cancel);
        var head = await client.HeadManifestAsync("it/image", "v1", Cancel);

        Assert.Equal(manifest.Content, byTag.Content.ToArray());
        Assert.Equal(manifest.Digest, byTag.Digest);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", byTag.MediaType);
        Assert.Equal(manifest.Digest, byDigest.Digest);
        Assert.Equal(new RemoteDescriptor(byTag.MediaType, manifest.Digest, manifest.Content.Length), head);
        Assert.Null(await client.HeadManifestAsync("it/image", "missing", Cancel));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Bytes_that_do_not_match_their_digest_are_not_committed(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry, new RegistryClientOptions
        {
            TimeProvider = TimeProvider.System,
            Credentials = CredentialsFor(registry),
            MonolithicUploadLimit = 1024,
            ChunkSize = 1024,
        });
        var claimed = Digest.Compute("the bytes we claim"u8);
        var small = "other bytes"u8.ToArray();
        var large = RandomNumberGenerator.GetBytes(5000);

        await Assert.ThrowsAsync<ContentVerificationException>(() =>
            client.PushBlobAsync("it/bad", claimed, small.Length, new MemoryStream(small), cancellationToken: Cancel));
        await Assert.ThrowsAsync<ContentVerificationException>(() =>
            client.PushBlobAsync("it/bad", claimed, large.Length, new MemoryStream(large), cancellationToken: Cancel));

        Assert.False(await client.BlobExistsAsync("it/bad", claimed, Cancel));
    }

    [Fact]
    public async Task A_blob_corrupted_in_the_registry_is_refused_on_pull()
    {
        await using var registry = await StartAsync(RegistryAuthMode.Anonymous);
        using var client = ClientFor(registry);
        var bytes = Encoding.UTF8.GetBytes("layer content that will be damaged on disk");
        var digest = Digest.Compute(bytes);
        await client.PushBlobAsync("it/corrupt", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel);
        var data = Path.Join(registry.StorageDirectory, "docker/registry/v2/blobs/sha256", digest.Hex[..2], digest.Hex, "data");
        var damaged = (byte[])bytes.Clone();
        damaged[0] ^= 0xff;
        await File.WriteAllBytesAsync(data, damaged, Cancel);

        using var pulled = new MemoryStream();
        var error = await Assert.ThrowsAsync<ContentVerificationException>(() =>
            client.GetBlobAsync("it/corrupt", digest, pulled, bytes.Length, Cancel));
        Assert.Contains(digest.Value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_blob_is_mounted_from_another_repository_without_an_upload(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry);
        var bytes = RandomNumberGenerator.GetBytes(2048);
        var digest = Digest.Compute(bytes);
        await client.PushBlobAsync("it/source", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel);

        // An empty stream: a mount must not read it.
        var outcome = await client.PushBlobAsync("it/target", digest, bytes.Length, Stream.Null, mountFrom: "it/source",
            cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Mounted, outcome);
        using var pulled = new MemoryStream();
        await client.GetBlobAsync("it/target", digest, pulled, bytes.Length, Cancel);
        Assert.Equal(bytes, pulled.ToArray());
    }

    [Theory]
    [InlineData(RegistryAuthMode.Basic)]
    [InlineData(RegistryAuthMode.Token)]
    public async Task A_wrong_password_fails_with_the_registry_status(RegistryAuthMode mode)
    {
        await using var registry = await StartAsync(mode);
        using var client = ClientFor(registry, new RegistryClientOptions
        {
            TimeProvider = TimeProvider.System,
            Credentials = new StaticCredentials(registry.Host, new RegistryCredential(registry.Username, "wrong")),
        });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Tokens_are_fetched_once_per_scope_and_reused()
    {
        await using var registry = await StartAsync(RegistryAuthMode.Token);
        using var client = ClientFor(registry);
        var bytes = RandomNumberGenerator.GetBytes(100);
        var digest = Digest.Compute(bytes);
        await client.PushBlobAsync("it/cache", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel);
        var before = registry.TokenServer!.Requests.Count;

        for (var i = 0; i < 3; i++)
        {
            using var pulled = new MemoryStream();
            await client.GetBlobAsync("it/cache", digest, pulled, bytes.Length, Cancel);
            Assert.True(await client.BlobExistsAsync("it/cache", digest, Cancel));
        }

        Assert.Equal(before, registry.TokenServer.Requests.Count);
        Assert.All(registry.TokenServer.Requests, r => Assert.Equal(registry.Username, r.User));
    }

    [Fact]
    public async Task An_anonymous_client_may_pull_but_not_push_where_anonymous_pull_is_allowed()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Token, allowAnonymousPull: true,
            cancellationToken: Cancel);
        using var owner = ClientFor(registry);
        using var anonymous = new RegistryClient(RegistryEndpoint.For(registry.Host), Fast(AnonymousCredentials.Instance));
        var bytes = RandomNumberGenerator.GetBytes(100);
        var digest = Digest.Compute(bytes);
        await owner.PushBlobAsync("it/public", digest, bytes.Length, new MemoryStream(bytes), cancellationToken: Cancel);

        using var pulled = new MemoryStream();
        await anonymous.GetBlobAsync("it/public", digest, pulled, bytes.Length, Cancel);
        var other = RandomNumberGenerator.GetBytes(100);
        var error = await Assert.ThrowsAsync<RegistryException>(() => anonymous.PushBlobAsync("it/public",
            Digest.Compute(other), other.Length, new MemoryStream(other), cancellationToken: Cancel));

        Assert.Equal(bytes, pulled.ToArray());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains(registry.TokenServer!.Requests, r => r.User is null && !r.SentCredentials);
    }

    private static async Task<(byte[] Content, Digest Digest)> PushSmallImageAsync(RegistryClient client,
        string repository, string tag)
    {
        var config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        var layer = RandomNumberGenerator.GetBytes(512);
        var configDigest = Digest.Compute(config);
        var layerDigest = Digest.Compute(layer);
        await client.PushBlobAsync(repository, configDigest, config.Length, new MemoryStream(config), cancellationToken: Cancel);
        await client.PushBlobAsync(repository, layerDigest, layer.Length, new MemoryStream(layer), cancellationToken: Cancel);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
            """);
        var digest = await client.PutManifestAsync(repository, tag, manifest,
            "application/vnd.oci.image.manifest.v1+json", Cancel);
        Assert.Equal(Digest.Compute(manifest), digest);
        return (manifest, digest);
    }

    private static async Task<RegistryFixture> StartAsync(RegistryAuthMode mode)
    {
        Capability.RequireTool("docker-registry");
        if (mode == RegistryAuthMode.Basic)
        {
            Capability.RequireTool("htpasswd");
        }

        return await RegistryFixture.StartAsync(mode, cancellationToken: Cancel);
    }

    private static ICredentialSource CredentialsFor(RegistryFixture registry) =>
        registry.Mode == RegistryAuthMode.Anonymous
            ? AnonymousCredentials.Instance
            : new StaticCredentials(registry.Host, new RegistryCredential(registry.Username, registry.Password));

    private static RegistryClient ClientFor(RegistryFixture registry, RegistryClientOptions? options = null) =>
        new(RegistryEndpoint.For(registry.Host), options ?? Fast(CredentialsFor(registry)));

    private static RegistryClientOptions Fast(ICredentialSource credentials) =>
        new() { TimeProvider = TimeProvider.System, Credentials = credentials, RetryBaseDelay = TimeSpan.FromMilliseconds(10) };
}
