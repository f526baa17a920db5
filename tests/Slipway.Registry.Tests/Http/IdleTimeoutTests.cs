using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Slipway.Oci;

namespace Slipway.Registry.Tests.Http;

/// <summary>A registry that stops sending (no answer, or a body that stalls) must not hang a pull: after the idle
/// time the request counts as dropped, is retried or resumed, and in the end fails naming the registry and the
/// blob.</summary>
public sealed class IdleTimeoutTests
{
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(1000);
    private static readonly Digest ContentDigest = Digest.Compute(Content);
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(200);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_blob_body_that_stalls_is_resumed_after_the_idle_time()
    {
        var transport = new FakeTransport((request, n) => n == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream(Content, 300)) }
            : Partial(request.Headers.Range!.Ranges.Single().From!.Value));
        using var client = Client(transport);
        using var pulled = new MemoryStream();

        await client.GetBlobAsync("team/app", ContentDigest, pulled, Content.Length, Cancel);

        Assert.Equal(Content, pulled.ToArray());
        Assert.Equal([null, "bytes=300-"], transport.Sent.Select(s => s.Range));
    }

    [Fact]
    public async Task A_blob_body_that_keeps_stalling_fails_naming_the_registry_and_the_blob()
    {
        var transport = new FakeTransport((_, _) =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream(Content, 0)) });
        using var client = Client(transport, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new MemoryStream(), Content.Length, Cancel));

        Assert.Equal($"blob team/app@{ContentDigest} from registry.example: the registry stopped sending after 0 bytes " +
            "and 3 attempts: the registry sent nothing for 0.2 s", error.Message);
        Assert.Equal(3, transport.Sent.Count);
    }

    [Fact]
    public async Task A_registry_that_never_answers_is_retried_then_fails_naming_the_registry_and_the_blob()
    {
        var transport = new FakeTransport(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });
        using var client = Client(transport, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new MemoryStream(), Content.Length, Cancel));

        Assert.Equal($"Get \"https://registry.example/v2/team/app/blobs/{ContentDigest}\": the registry sent nothing for 0.2 s",
            error.Message);
        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task A_manifest_body_that_stalls_fails_naming_the_registry_and_the_manifest()
    {
        var transport = new FakeTransport((_, _) =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream(Content, 10)) });
        using var client = Client(transport);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("team/app", "1", Cancel));

        Assert.StartsWith("registry.example: reading manifest team/app:1 failed: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("the registry sent nothing for 0.2 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceling_a_stalled_download_is_a_cancellation_not_a_timeout()
    {
        var transport = new FakeTransport((_, _) =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream(Content, 0)) });
        using var client = new RegistryClient(RegistryEndpoint.For("registry.example"),
            new RegistryClientOptions { TimeProvider = TimeProvider.System, RetryBaseDelay = TimeSpan.Zero, IdleTimeout = Timeout.InfiniteTimeSpan }, transport);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        cancel.CancelAfter(Idle);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new MemoryStream(), Content.Length, cancel.Token));
        Assert.Single(transport.Sent);
    }

    private static HttpResponseMessage Partial(long from)
    {
        var response = FakeTransport.Bytes(Content[(int)from..], HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, Content.Length - 1, Content.Length);
        return response;
    }

    private static RegistryClient Client(FakeTransport transport, int maxAttempts = 4) =>
        new(RegistryEndpoint.For("registry.example"),
            new RegistryClientOptions { TimeProvider = TimeProvider.System, RetryBaseDelay = TimeSpan.Zero, MaxAttempts = maxAttempts, IdleTimeout = Idle },
            transport);
}
