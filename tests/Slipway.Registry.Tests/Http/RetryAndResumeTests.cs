using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Slipway.Oci;

namespace Slipway.Registry.Tests.Http;

public sealed class RetryAndResumeTests
{
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(1000);
    private static readonly Digest ContentDigest = Digest.Compute(Content);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task A_transient_status_is_retried(HttpStatusCode status)
    {
        var transport = new FakeTransport((_, n) => n == 1 ? FakeTransport.Status(status) : FakeTransport.Status(HttpStatusCode.OK));
        using var client = Client(transport);

        await client.PingAsync(Cancel);

        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task A_dropped_connection_before_the_answer_is_retried()
    {
        var transport = new FakeTransport((_, n) =>
            n == 1 ? throw new HttpRequestException("connection refused") : FakeTransport.Status(HttpStatusCode.OK));
        using var client = Client(transport);

        await client.PingAsync(Cancel);

        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task Retries_are_bounded_and_the_last_status_is_reported()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Status(HttpStatusCode.InternalServerError));
        using var client = Client(transport, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(3, transport.Sent.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Status(HttpStatusCode.NotFound));
        using var client = Client(transport);

        await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        Assert.Single(transport.Sent);
    }

    [Fact]
    public void Backoff_doubles_and_is_capped()
    {
        var baseDelay = TimeSpan.FromMilliseconds(100);

        Assert.Equal(TimeSpan.FromMilliseconds(100), Slipway.Registry.Http.RetryHandler.Backoff(baseDelay, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(400), Slipway.Registry.Http.RetryHandler.Backoff(baseDelay, 3));
        Assert.Equal(TimeSpan.FromSeconds(30), Slipway.Registry.Http.RetryHandler.Backoff(baseDelay, 50));
    }

    [Fact]
    public async Task A_reset_connection_that_escapes_as_a_socket_error_is_retried()
    {
        // SocketsHttpHandler lets a raw SocketException out when a connection is reset right after accept.
        var transport = new FakeTransport((_, n) =>
            n == 1 ? throw new SocketException((int)SocketError.ConnectionReset) : FakeTransport.Status(HttpStatusCode.OK));
        using var client = Client(transport);

        await client.PingAsync(Cancel);

        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task A_registry_that_stays_unreachable_is_a_registry_error_naming_the_host_and_the_cause()
    {
        var transport = new FakeTransport((_, _) =>
            throw new HttpRequestException("An error occurred while sending the request.", new IOException("Connection refused")));
        using var client = Client(transport, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        // .NET's "An error occurred while sending the request." says nothing; the cause is what a user needs.
        Assert.Equal("Get \"https://registry.example/v2/\": Connection refused", error.Message);
        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task A_download_that_keeps_dropping_is_a_registry_error_saying_how_far_it_got()
    {
        var transport = new FakeTransport((request, _) => new HttpResponseMessage(
            request.Headers.Range is null ? HttpStatusCode.OK : HttpStatusCode.PartialContent)
        {
            Content = new StreamContent(new DroppingStream(Content, 0)),
        });
        using var client = Client(transport, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new MemoryStream(), Content.Length, Cancel));

        Assert.StartsWith($"blob team/app@{ContentDigest} from registry.example: the connection was lost after 0 bytes and 2 attempts",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_download_dropped_midway_resumes_with_a_range_request()
    {
        var transport = new FakeTransport((request, n) => n == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new DroppingStream(Content, 300)) }
            : Partial(request.Headers.Range!.Ranges.Single().From!.Value));
        using var client = Client(transport);
        using var pulled = new MemoryStream();

        var written = await client.GetBlobAsync("team/app", ContentDigest, pulled, Content.Length, Cancel);

        Assert.Equal(Content.Length, written);
        Assert.Equal(Content, pulled.ToArray());
        Assert.Equal([null, "bytes=300-"], transport.Sent.Select(s => s.Range));
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_restarts_a_seekable_destination()
    {
        var transport = new FakeTransport((_, n) => n == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new DroppingStream(Content, 300)) }
            : FakeTransport.Bytes(Content));
        using var client = Client(transport);
        using var pulled = new MemoryStream();
        pulled.Write("prefix"u8);

        await client.GetBlobAsync("team/app", ContentDigest, pulled, Content.Length, Cancel);

        Assert.Equal([.. "prefix"u8.ToArray(), .. Content], pulled.ToArray());
    }

    [Fact]
    public async Task A_resumed_download_answered_at_another_offset_is_refused_not_spliced()
    {
        var transport = new FakeTransport((_, n) => n == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new DroppingStream(Content, 300)) }
            : Partial(100));
        using var client = Client(transport);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new MemoryStream(), Content.Length, Cancel));

        Assert.Contains("asked to resume at byte 300, the registry answered bytes 100-999/1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_write_error_is_not_taken_for_a_dropped_connection_and_not_retried()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Bytes(Content));
        using var client = Client(transport);
        var full = new IOException("no space left on device writing /store/ingest/x");

        var error = await Assert.ThrowsAsync<IOException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new FailingWriteStream(full), Content.Length, Cancel));

        Assert.Same(full, error);
        Assert.Single(transport.Sent);
    }

    [Fact]
    public async Task Wrong_bytes_from_the_registry_fail_verification()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Bytes(RandomNumberGenerator.GetBytes(1000)));
        using var client = Client(transport);

        await Assert.ThrowsAsync<ContentVerificationException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, new MemoryStream(), Content.Length, Cancel));
    }

    [Fact]
    public async Task More_bytes_than_expected_stop_the_download()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Bytes(Content));
        using var client = Client(transport);
        using var pulled = new MemoryStream();

        await Assert.ThrowsAsync<ContentVerificationException>(() =>
            client.GetBlobAsync("team/app", ContentDigest, pulled, 500, Cancel));
        Assert.True(pulled.Length <= 500);
    }

    [Fact]
    public async Task A_manifest_asked_for_by_digest_must_hash_to_it()
    {
        var transport = new FakeTransport((_, _) => FakeTransport.Json("""{"schemaVersion":2}"""));
        using var client = Client(transport);

        await Assert.ThrowsAsync<ContentVerificationException>(() =>
            client.GetManifestAsync("team/app", ContentDigest.Value, Cancel));
    }

    [Fact]
    public async Task A_chunked_upload_sends_content_ranges_in_distribution_form_and_follows_each_location()
    {
        var transport = new FakeTransport((request, _) =>
        {
            if (request.Method == HttpMethod.Head)
            {
                return FakeTransport.Status(HttpStatusCode.NotFound);
            }

            var answer = FakeTransport.Status(request.Method == HttpMethod.Put ? HttpStatusCode.Created : HttpStatusCode.Accepted);
            answer.Headers.Location = new Uri($"/v2/team/app/blobs/uploads/u?_state={Guid.NewGuid():N}", UriKind.Relative);
            return answer;
        });
        using var client = new RegistryClient(RegistryEndpoint.For("registry.example"),
            new RegistryClientOptions { TimeProvider = TimeProvider.System, RetryBaseDelay = TimeSpan.Zero, MonolithicUploadLimit = 100, ChunkSize = 400 },
            transport);

        var outcome = await client.PushBlobAsync("team/app", ContentDigest, Content.Length, new MemoryStream(Content),
            cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Uploaded, outcome);
        Assert.Equal(["0-399", "400-799", "800-999"],
            transport.Sent.Where(s => s.Method == HttpMethod.Patch).Select(s => s.ContentRange));
        var commit = transport.Sent[^1];
        Assert.Equal(HttpMethod.Put, commit.Method);
        Assert.Contains("digest=sha256%3A" + ContentDigest.Hex, commit.Uri.Query, StringComparison.Ordinal);
        Assert.Equal(transport.Sent[^2].Uri.AbsolutePath, commit.Uri.AbsolutePath);
    }

    private static HttpResponseMessage Partial(long from)
    {
        var response = FakeTransport.Bytes(Content[(int)from..], HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, Content.Length - 1, Content.Length);
        return response;
    }

    private static RegistryClient Client(FakeTransport transport, int maxAttempts = 4) =>
        new(RegistryEndpoint.For("registry.example"),
            new RegistryClientOptions { TimeProvider = TimeProvider.System, RetryBaseDelay = TimeSpan.Zero, MaxAttempts = maxAttempts }, transport);

    /// <summary>A destination whose writes fail, as a file on a full disk does.</summary>
    private sealed class FailingWriteStream(IOException failure) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw failure;

        public override void Write(byte[] buffer, int offset, int count) => throw failure;
    }
}
