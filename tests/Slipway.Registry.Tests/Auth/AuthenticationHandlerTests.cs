using System.Net;
using System.Text;
using Slipway.Oci;
using Slipway.Registry.Auth;

namespace Slipway.Registry.Tests.Auth;

public sealed class AuthenticationHandlerTests
{
    private const string Realm = "https://auth.example/token";
    private static readonly RegistryEndpoint Endpoint = RegistryEndpoint.For("registry.example");
    private static readonly RegistryCredential Alice = new("alice", "secret");
    private static readonly Digest Blob = Digest.Compute("blob"u8);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void A_challenge_keeps_commas_inside_quoted_values()
    {
        var parameters = AuthChallenge.ParseParameters(
            "realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"");

        Assert.Equal("https://auth.example/token", parameters["realm"]);
        Assert.Equal("registry.example", parameters["service"]);
        Assert.Equal("repository:a/b:pull,push", parameters["scope"]);
    }

    [Fact]
    public async Task A_bearer_challenge_fetches_a_token_for_the_scope_and_retries_with_it()
    {
        var transport = BearerRegistry(out var tokenRequests);
        using var client = Client(transport, new StaticCredentials("registry.example", Alice));

        Assert.True(await client.BlobExistsAsync("team/app", Blob, Cancel));

        var token = Assert.Single(tokenRequests);
        Assert.Equal("https://auth.example/token?service=registry.example&scope=repository%3Ateam%2Fapp%3Apull", token.Uri.AbsoluteUri);
        Assert.Equal(BasicHeader(Alice), token.Authorization);
        Assert.Equal("Bearer token-1", transport.Sent[^1].Authorization);
    }

    [Fact]
    public async Task A_token_is_reused_for_the_same_scope_and_fetched_again_for_another()
    {
        var transport = BearerRegistry(out var tokenRequests);
        using var client = Client(transport, new StaticCredentials("registry.example", Alice));

        await client.BlobExistsAsync("team/app", Blob, Cancel);
        await client.BlobExistsAsync("team/app", Blob, Cancel);
        await client.BlobExistsAsync("team/other", Blob, Cancel);

        Assert.Equal(2, tokenRequests.Count);
        Assert.Contains("team%2Fother", tokenRequests[1].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_fetched_again()
    {
        var time = new ManualTime();
        var transport = BearerRegistry(out var tokenRequests);
        using var client = Client(transport, new StaticCredentials("registry.example", Alice), time);

        await client.BlobExistsAsync("team/app", Blob, Cancel);
        time.Now += TimeSpan.FromMinutes(10);
        await client.BlobExistsAsync("team/app", Blob, Cancel);

        Assert.Equal(2, tokenRequests.Count);
    }

    [Fact]
    public async Task A_mount_asks_for_push_on_the_target_and_pull_on_the_source_in_one_token()
    {
        var transport = BearerRegistry(out var tokenRequests, request => request.Method == HttpMethod.Head
            ? FakeTransport.Status(HttpStatusCode.NotFound)
            : FakeTransport.Status(HttpStatusCode.Created));
        using var client = Client(transport, new StaticCredentials("registry.example", Alice));

        var outcome = await client.PushBlobAsync("team/app", Blob, 4, Stream.Null, mountFrom: "team/base",
            cancellationToken: Cancel);

        Assert.Equal(BlobPushOutcome.Mounted, outcome);
        Assert.Contains("mount=sha256%3A", transport.Sent[^1].Uri.Query, StringComparison.Ordinal);

        Assert.Contains(tokenRequests, t =>
            t.Uri.Query.Contains("scope=repository%3Ateam%2Fapp%3Apull%2Cpush&scope=repository%3Ateam%2Fbase%3Apull", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_credentials_the_token_is_asked_for_anonymously()
    {
        var transport = BearerRegistry(out var tokenRequests);
        using var client = Client(transport, AnonymousCredentials.Instance);

        await client.BlobExistsAsync("library/alpine", Blob, Cancel);

        Assert.Null(Assert.Single(tokenRequests).Authorization);
    }

    [Fact]
    public async Task Credentials_of_one_host_are_never_sent_to_another()
    {
        using var client = Client(BearerRegistry(out var tokenRequests),
            new StaticCredentials("other.example", Alice));

        await client.BlobExistsAsync("team/app", Blob, Cancel);

        Assert.Null(Assert.Single(tokenRequests).Authorization);
    }

    [Fact]
    public async Task A_redirect_to_another_host_carries_no_authorization()
    {
        var transport = new FakeTransport((request, _) =>
        {
            if (request.RequestUri!.Host == "storage.example")
            {
                return FakeTransport.Bytes("blob"u8.ToArray());
            }

            if (request.Headers.Authorization is null)
            {
                return FakeTransport.Challenge("Basic realm=\"registry\"");
            }

            var redirect = FakeTransport.Status(HttpStatusCode.TemporaryRedirect);
            redirect.Headers.Location = new Uri("https://storage.example/blobs/abc?signature=xyz");
            return redirect;
        });
        using var client = Client(transport, new StaticCredentials("registry.example", Alice));

        using var pulled = new MemoryStream();
        await client.GetBlobAsync("team/app", Blob, pulled, cancellationToken: Cancel);

        Assert.Equal(BasicHeader(Alice), transport.Sent[1].Authorization);
        Assert.Equal("storage.example", transport.Sent[^1].Uri.Host);
        Assert.Null(transport.Sent[^1].Authorization);
    }

    [Fact]
    public async Task Basic_credentials_are_sent_after_a_basic_challenge_and_then_up_front()
    {
        var transport = new FakeTransport((request, _) => request.Headers.Authorization is null
            ? FakeTransport.Challenge("Basic realm=\"registry\"")
            : FakeTransport.Status(HttpStatusCode.OK));
        using var client = Client(transport, new StaticCredentials("registry.example", Alice));

        await client.PingAsync(Cancel);
        await client.PingAsync(Cancel);

        Assert.Equal([null, BasicHeader(Alice), BasicHeader(Alice)], transport.Sent.Select(s => s.Authorization));
    }

    [Fact]
    public async Task Credentials_are_not_sent_to_a_plain_http_realm_on_a_remote_host()
    {
        var transport = new FakeTransport((_, _) =>
            FakeTransport.Challenge("Bearer realm=\"http://auth.example/token\",service=\"registry.example\""));
        using var client = Client(transport, new StaticCredentials("registry.example", Alice));

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        Assert.Contains("plain HTTP", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(transport.Sent, s => s.Uri.Host == "auth.example");
    }

    [Theory]
    [InlineData("http://10.9.9.9/token", false)]
    [InlineData("http://auth.example/token", false)]
    [InlineData("http://10.1.2.3:5001/token", true)]
    [InlineData("http://127.0.0.1:5001/token", true)]
    public async Task An_insecure_range_opens_plain_http_credentials_only_to_the_registrys_own_host_and_loopback(string realm, bool sent)
    {
        var transport = new FakeTransport((request, _) => request.RequestUri!.AbsolutePath == "/token"
            ? FakeTransport.Json("""{"token":"t"}""")
            : request.Headers.Authorization is null
                ? FakeTransport.Challenge($"Bearer realm=\"{realm}\",service=\"registry\"")
                : FakeTransport.Status(HttpStatusCode.OK));
        using var client = new RegistryClient(RegistryEndpoint.For("10.1.2.3:5000", ["10.0.0.0/8"]), new RegistryClientOptions
        {
            TimeProvider = TimeProvider.System,
            Credentials = new StaticCredentials("10.1.2.3:5000", Alice),
            InsecureRegistries = ["10.0.0.0/8"],
            RetryBaseDelay = TimeSpan.Zero,
        }, transport);

        if (sent)
        {
            await client.PingAsync(Cancel);
            Assert.Contains(transport.Sent, s => s.Uri.AbsolutePath == "/token" && s.Authorization == BasicHeader(Alice));
        }
        else
        {
            var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));
            Assert.Equal($"10.1.2.3:5000: refusing to send credentials to token realm {new Uri(realm)} over plain HTTP: " +
                "only a loopback realm, or one on the insecure registry's own host, may use plain HTTP", error.Message);
            Assert.DoesNotContain(transport.Sent, s => s.Uri.AbsolutePath == "/token");
        }
    }

    [Fact]
    public async Task A_refused_fresh_token_is_not_retried_forever()
    {
        var transport = new FakeTransport((request, _) => request.RequestUri!.Host == "auth.example"
            ? FakeTransport.Json("""{"token":"useless"}""")
            : FakeTransport.Challenge($"Bearer realm=\"{Realm}\",service=\"registry.example\""));
        using var client = Client(transport, AnonymousCredentials.Instance);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync(Cancel));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(3, transport.Sent.Count);
    }

    /// <summary>A registry that wants a bearer token from <see cref="Realm"/> and accepts any token it issued.</summary>
    private static FakeTransport BearerRegistry(out List<SentRequest> tokenRequests,
        Func<HttpRequestMessage, HttpResponseMessage>? authorized = null)
    {
        var tokens = new List<SentRequest>();
        tokenRequests = tokens;
        FakeTransport? transport = null;
        transport = new FakeTransport((request, _) =>
        {
            if (request.RequestUri!.Host == "auth.example")
            {
                tokens.Add(transport!.Sent[^1]);
                return FakeTransport.Json($$"""{"token":"token-{{tokens.Count}}","expires_in":300}""");
            }

            return request.Headers.Authorization?.Scheme == "Bearer"
                ? authorized?.Invoke(request) ?? FakeTransport.Status(HttpStatusCode.OK)
                : FakeTransport.Challenge($"Bearer realm=\"{Realm}\",service=\"registry.example\"");
        });
        return transport;
    }

    private static RegistryClient Client(FakeTransport transport, ICredentialSource credentials, TimeProvider? time = null) =>
        new(Endpoint, new RegistryClientOptions
        {
            Credentials = credentials,
            RetryBaseDelay = TimeSpan.Zero,
            TimeProvider = time ?? TimeProvider.System,
        }, transport);

    private static string BasicHeader(RegistryCredential credential) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
}
