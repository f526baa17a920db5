using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Slipway.Testing;

namespace Slipway.Registry.Tests.Fixture;

/// <summary>The fixture itself: each mode guards <c>/v2/</c> the way a real registry of that kind does.</summary>
public sealed class RegistryFixtureTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_anonymous_registry_answers_v2_without_credentials()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: Cancel);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(registry.Url, "/v2/"), Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.OK, registry.Log);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task A_basic_registry_challenges_then_accepts_the_password()
    {
        Capability.RequireTool("docker-registry");
        Capability.RequireTool("htpasswd");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Basic, cancellationToken: Cancel);
        using var http = new HttpClient();

        using var challenge = await http.GetAsync(new Uri(registry.Url, "/v2/"), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var header = Assert.Single(challenge.Headers.WwwAuthenticate);
        Assert.Equal("Basic", header.Scheme);
        Assert.Contains("realm=\"slipway-basic-realm\"", header.Parameter, StringComparison.Ordinal);

        using var wrong = await SendAsync(http, registry, Basic(registry.Username, "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var right = await SendAsync(http, registry, Basic(registry.Username, registry.Password));
        Assert.True(right.StatusCode == HttpStatusCode.OK, registry.Log);
    }

    [Fact]
    public async Task A_token_registry_challenges_with_its_realm_then_accepts_a_token_from_it()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Token, cancellationToken: Cancel);
        using var http = new HttpClient();

        using var challenge = await http.GetAsync(new Uri(registry.Url, "/v2/"), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var header = Assert.Single(challenge.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", header.Scheme);
        Assert.Contains($"realm=\"{registry.TokenServer!.Realm}\"", header.Parameter, StringComparison.Ordinal);
        Assert.Contains($"service=\"{RegistryFixture.Service}\"", header.Parameter, StringComparison.Ordinal);

        var token = await FetchTokenAsync(http, registry, "repository:fixture/probe:pull,push",
            Basic(registry.Username, registry.Password));
        using var ping = await SendAsync(http, registry, new AuthenticationHeaderValue("Bearer", token));
        Assert.True(ping.StatusCode == HttpStatusCode.OK, registry.Log);

        using var tags = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.Url, "/v2/fixture/probe/tags/list"));
        tags.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var tagsResponse = await http.SendAsync(tags, Cancel);
        // Authorised for the repository: the registry looks for it and finds nothing, rather than challenging.
        Assert.True(tagsResponse.StatusCode == HttpStatusCode.NotFound, registry.Log);
    }

    [Fact]
    public async Task The_token_server_refuses_a_wrong_password_and_gives_anonymous_callers_pull_only_when_allowed()
    {
        Capability.RequireTool("docker-registry");
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Token, allowAnonymousPull: true,
            cancellationToken: Cancel);
        using var http = new HttpClient();

        using var wrong = new HttpRequestMessage(HttpMethod.Get,
            new Uri($"{registry.TokenServer!.Realm}?service={RegistryFixture.Service}&scope=repository:a:pull"));
        wrong.Headers.Authorization = Basic(registry.Username, "wrong");
        using var wrongResponse = await http.SendAsync(wrong, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);

        var anonymous = await FetchTokenAsync(http, registry, "repository:a:pull,push", authorization: null);
        using var pull = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.Url, "/v2/a/tags/list"));
        pull.Headers.Authorization = new AuthenticationHeaderValue("Bearer", anonymous);
        using var pullResponse = await http.SendAsync(pull, Cancel);
        Assert.True(pullResponse.StatusCode == HttpStatusCode.NotFound, registry.Log);

        using var push = new HttpRequestMessage(HttpMethod.Post, new Uri(registry.Url, "/v2/a/blobs/uploads/"));
        push.Headers.Authorization = new AuthenticationHeaderValue("Bearer", anonymous);
        using var pushResponse = await http.SendAsync(push, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, pushResponse.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, RegistryFixture registry,
        AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.Url, "/v2/"));
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, Cancel);
    }

    private static async Task<string> FetchTokenAsync(HttpClient http, RegistryFixture registry, string scope,
        AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri($"{registry.TokenServer!.Realm}?service={RegistryFixture.Service}&scope={scope}"));
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var token = json.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(token, json.RootElement.GetProperty("access_token").GetString());
        return token;
    }

    private static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
}
