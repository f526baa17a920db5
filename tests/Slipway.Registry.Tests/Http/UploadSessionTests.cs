using System.Net;
using System.Security.Cryptography;
using System.Text;
using Slipway.Oci;

namespace Slipway.Registry.Tests.Http;

/// <summary>A registry that forgets an upload session (416 Range Not Satisfiable on a chunk, or 404 on the upload
/// URL after the session expired) gets a new session and the whole blob again, a bounded number of times.</summary>
public sealed class UploadSessionTests
{
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(1000);
    private static readonly Digest ContentDigest = Digest.Compute(Content);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_chunk_refused_with_416_restarts_the_upload_in_a_new_session()
    {
        var transport = Registry((request, _) =>
            request.Method == HttpMethod.Patch && request.RequestUri!.AbsolutePath.EndsWith("/s1-1", StringComparison.Ordinal)
                ? FakeTransport.Status(HttpStatusCode.RequestedRangeNotSatisfiable)
                : null);
        using var client = Client(transport, monolithicLimit: 100);

        var outcome = await client.PushBlobAsync("team/app", ContentDigest, Content.Length, new MemoryStream(Content),
            cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Uploaded, outcome);
        Assert.Equal(2, transport.Sent.Count(s => s.Method == HttpMethod.Post));
        Assert.Equal(["0-399", "400-799", "0-399", "400-799", "800-999"],
            transport.Sent.Where(s => s.Method == HttpMethod.Patch).Select(s => s.ContentRange));
        Assert.Equal(Content, Uploaded(transport, "/s2-"));
        var commit = transport.Sent[^1];
        Assert.Equal(HttpMethod.Put, commit.Method);
        Assert.StartsWith("/v2/team/app/blobs/uploads/s2-", commit.Uri.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_answered_404_restarts_a_monolithic_upload_in_a_new_session()
    {
        var transport = Registry((request, session) => request.Method == HttpMethod.Put && session == 1 ? Unknown() : null);
        using var client = Client(transport);

        var outcome = await client.PushBlobAsync("team/app", ContentDigest, Content.Length, new MemoryStream(Content),
            cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Uploaded, outcome);
        var puts = transport.Sent.Where(s => s.Method == HttpMethod.Put).ToList();
        Assert.Equal(2, puts.Count);
        Assert.StartsWith("/v2/team/app/blobs/uploads/s2-", puts[1].Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(Content, puts[1].Body);
    }

    [Fact]
    public async Task A_registry_that_keeps_losing_the_session_fails_after_the_attempts_with_its_answer()
    {
        var transport = Registry((request, _) => request.Method == HttpMethod.Patch ? Unknown() : null);
        using var client = Client(transport, monolithicLimit: 100, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync("team/app", ContentDigest,
            Content.Length, new MemoryStream(Content), cancellationToken: Cancel));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("blob upload unknown to registry", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, transport.Sent.Count(s => s.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task A_lost_session_with_content_that_cannot_be_rewound_is_an_error_not_a_corrupt_upload()
    {
        var transport = Registry((request, _) => request.Method == HttpMethod.Patch ? Unknown() : null);
        using var client = Client(transport, monolithicLimit: 100);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PushBlobAsync("team/app", ContentDigest,
            Content.Length, new ForwardOnlyStream(Content), cancellationToken: Cancel));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Single(transport.Sent, s => s.Method == HttpMethod.Post);
    }

    /// <summary>A registry where HEAD says "absent", the Nth POST opens session sN, PATCH and PUT succeed, unless
    /// <paramref name="fault"/> (given the request and the current session) answers first.</summary>
    private static FakeTransport Registry(Func<HttpRequestMessage, int, HttpResponseMessage?> fault)
    {
        var chunk = 0;
        var session = 0;
        return new FakeTransport((request, _) =>
        {
            if (request.Method == HttpMethod.Head)
            {
                return FakeTransport.Status(HttpStatusCode.NotFound);
            }

            if (request.Method == HttpMethod.Post)
            {
                session++;
                chunk = 0;
            }
            else if (fault(request, session) is { } failure)
            {
                return failure;
            }

            var answer = FakeTransport.Status(request.Method == HttpMethod.Put ? HttpStatusCode.Created : HttpStatusCode.Accepted);
            answer.Headers.Location = new Uri($"/v2/team/app/blobs/uploads/s{session}-{chunk++}", UriKind.Relative);
            return answer;
        });
    }

    private static HttpResponseMessage Unknown()
    {
        var response = FakeTransport.Status(HttpStatusCode.NotFound);
        response.Content = new StringContent("""{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"blob upload unknown to registry"}]}""",
            Encoding.UTF8, "application/json");
        return response;
    }

    /// <summary>The bytes PATCHed to the sessions whose URLs start with <paramref name="prefix"/>, in order.</summary>
    private static byte[] Uploaded(FakeTransport transport, string prefix) =>
        [.. transport.Sent.Where(s => s.Method == HttpMethod.Patch && s.Uri.AbsolutePath.Contains(prefix, StringComparison.Ordinal))
            .SelectMany(s => s.Body!)];

    private static RegistryClient Client(FakeTransport transport, long monolithicLimit = 32L << 20, int maxAttempts = 4) =>
        new(RegistryEndpoint.For("registry.example"),
            new RegistryClientOptions
            {
                TimeProvider = TimeProvider.System,
                RetryBaseDelay = TimeSpan.Zero, MaxAttempts = maxAttempts, MonolithicUploadLimit = monolithicLimit, ChunkSize = 400,
            },
            transport);

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
