using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Slipway.Registry.Auth;

/// <summary>Answers a registry's 401 challenge and retries: Basic with the host's credentials, or Bearer with a token
/// fetched from the realm the challenge names (with the host's credentials, or anonymously), cached per (host,
/// scopes). Credentials go only to the registry's own host and its realm; a request to any other host (a redirect
/// to a storage backend) leaves without an Authorization header.</summary>
internal sealed class AuthenticationHandler : DelegatingHandler
{
    private static readonly TimeSpan MinimumTokenLifetime = TimeSpan.FromSeconds(60);
    private readonly RegistryEndpoint _endpoint;
    private readonly ICredentialSource _credentials;
    private readonly TokenCache _tokens;
    private readonly HttpMessageInvoker _realm;
    private readonly IReadOnlyList<string> _insecureRegistries;
    private readonly string _userAgent;
    private AuthChallenge? _challenge;

    /// <summary>Authenticates requests to <paramref name="endpoint"/>; <paramref name="realm"/> sends token requests
    /// and must not pass through this handler.</summary>
    public AuthenticationHandler(RegistryEndpoint endpoint, ICredentialSource credentials, TokenCache tokens,
        HttpMessageInvoker realm, IReadOnlyList<string> insecureRegistries, string userAgent)
    {
        _endpoint = endpoint;
        _credentials = credentials;
        _tokens = tokens;
        _realm = realm;
        _insecureRegistries = insecureRegistries;
        _userAgent = userAgent;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        if (!IsRegistryHost(request.RequestUri))
        {
            request.Headers.Authorization = null;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var scopes = RegistryScope.Of(request);
        var known = _challenge;
        var definitive = known is not null
            && await AuthorizeAsync(request, known, scopes, useCache: true, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || definitive || !IsReplayable(request))
        {
            return response;
        }

        var challenge = AuthChallenge.Select(response.Headers.WwwAuthenticate);
        if (challenge is null)
        {
            return response;
        }

        _challenge = challenge;
        var wanted = scopes.Concat(challenge.Parameter("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [])
            .Distinct(StringComparer.Ordinal).ToList();
        if (challenge.IsBearer)
        {
            _tokens.Remove(_endpoint.Host, RegistryScope.CacheKey(scopes));
        }

        var authorized = await AuthorizeAsync(request, challenge, wanted, useCache: false, cancellationToken,
            cacheKey: RegistryScope.CacheKey(scopes)).ConfigureAwait(false);
        if (!authorized)
        {
            return response;
        }

        response.Dispose();
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>True when fresh credentials were attached, so a 401 to them is final.</returns>
    private async Task<bool> AuthorizeAsync(HttpRequestMessage request, AuthChallenge challenge,
        IReadOnlyList<string> scopes, bool useCache, CancellationToken cancellationToken, string? cacheKey = null)
    {
        if (challenge.IsBasic)
        {
            var credential = await _credentials.GetAsync(_endpoint.Host, cancellationToken).ConfigureAwait(false);
            if (credential is null)
            {
                return false;
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
            return true;
        }

        cacheKey ??= RegistryScope.CacheKey(scopes);
        if (useCache && _tokens.Get(_endpoint.Host, cacheKey) is { } cached)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached);
            return false;
        }

        var (token, lifetime) = await FetchTokenAsync(challenge, scopes, cancellationToken).ConfigureAwait(false);
        _tokens.Set(_endpoint.Host, cacheKey, token, lifetime);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return true;
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(AuthChallenge challenge,
        IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(challenge.Parameter("realm"), UriKind.Absolute, out var realm)
            || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new RegistryException($"{_endpoint.Host}: token realm \"{challenge.Parameter("realm")}\" is not an HTTP(S) URL");
        }

        var credential = await _credentials.GetAsync(_endpoint.Host, cancellationToken).ConfigureAwait(false);
        // Credentials cross plain HTTP only to loopback or to the insecure registry's own host, which already gets
        // them in the clear: an insecure-registries range must not open them to every other host in it.
        if (credential is not null && realm.Scheme == Uri.UriSchemeHttp
            && !(RegistryEndpoint.MayUsePlainHttp(realm, []) || (IsOwnHost(realm) && RegistryEndpoint.MayUsePlainHttp(realm, _insecureRegistries))))
        {
            throw new RegistryException(
                $"{_endpoint.Host}: refusing to send credentials to token realm {realm} over plain HTTP: " +
                "only a loopback realm, or one on the insecure registry's own host, may use plain HTTP");
        }

        var service = challenge.Parameter("service");
        using var request = credential?.IdentityToken is { } identityToken
            ? RefreshTokenRequest(realm, service, scopes, identityToken)
            : TokenRequest(realm, service, scopes, credential);
        request.Headers.UserAgent.ParseAdd(_userAgent);
        using var response = await _realm.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var who = credential is null ? "anonymously" : $"as {credential.Username}";
            throw new RegistryException(
                $"{_endpoint.Host}: token request to {realm.GetLeftPart(UriPartial.Path)} {who} failed: {(int)response.StatusCode} {response.ReasonPhrase}",
                response.StatusCode, []);
        }

        TokenResponse? body;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                body = await JsonSerializer.DeserializeAsync(stream, RegistryJsonContext.Default.TokenResponse,
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{_endpoint.Host}: token response from {realm.Host} is not JSON", e);
        }

        var token = body?.Token is { Length: > 0 } t ? t : body?.AccessToken;
        if (string.IsNullOrEmpty(token))
        {
            throw new RegistryException($"{_endpoint.Host}: token response from {realm.Host} holds no token");
        }

        // The spec says a missing or short expires_in means 60 seconds.
        var lifetime = body!.ExpiresInSeconds is { } seconds && TimeSpan.FromSeconds(seconds) > MinimumTokenLifetime
            ? TimeSpan.FromSeconds(seconds)
            : MinimumTokenLifetime;
        return (token, lifetime);
    }

    private bool IsOwnHost(Uri realm) =>
        string.Equals(realm.IdnHost, _endpoint.BaseUri.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static HttpRequestMessage TokenRequest(Uri realm, string? service, IReadOnlyList<string> scopes,
        RegistryCredential? credential)
    {
        var query = new List<string>();
        if (service is not null)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        var builder = new UriBuilder(realm);
        builder.Query = string.Join('&', new[] { builder.Query.TrimStart('?') }.Where(q => q.Length > 0).Concat(query));
        var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
        }

        return request;
    }

    /// <summary>The OAuth2 flow the docker CLI uses when it holds an identity token.</summary>
    private static HttpRequestMessage RefreshTokenRequest(Uri realm, string? service, IReadOnlyList<string> scopes,
        string identityToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", identityToken),
            new("client_id", "slipway"),
        };
        if (service is not null)
        {
            form.Add(new("service", service));
        }

        if (scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', scopes)));
        }

        return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
    }

    private bool IsRegistryHost(Uri? uri) =>
        uri is not null
        && string.Equals(uri.Scheme, _endpoint.BaseUri.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, _endpoint.BaseUri.Authority, StringComparison.OrdinalIgnoreCase);

    internal static bool IsReplayable(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReadOnlyMemoryContent;
}
