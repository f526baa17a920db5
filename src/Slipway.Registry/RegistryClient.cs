using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Slipway.Oci;
using Slipway.Registry.Auth;
using Slipway.Registry.Http;

namespace Slipway.Registry;

/// <summary>A client for one registry (the distribution API v2): ping, manifests, blobs. Requests pass through
/// redirect → auth → retry → idle-timeout handlers onto the transport; see the partial files for blobs and pushes.</summary>
public sealed partial class RegistryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpMessageInvoker _realm;
    private readonly RegistryClientOptions _options;
    private readonly CertificateVerdicts? _certificates;

    /// <summary>A client of <paramref name="endpoint"/>. <paramref name="transport"/> is the innermost handler; null
    /// for a SocketsHttpHandler that never follows redirects itself. Tests pass a fake.</summary>
    public RegistryClient(RegistryEndpoint endpoint, RegistryClientOptions options, HttpMessageHandler? transport = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        Endpoint = endpoint;
        _options = options;
        if (transport is null)
        {
            _certificates = new CertificateVerdicts();
            transport = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                SslOptions = { RemoteCertificateValidationCallback = _certificates.Validate },
            };
        }

        var retry = new RetryHandler(_options.MaxAttempts, _options.RetryBaseDelay, _options.TimeProvider)
        {
            InnerHandler = new IdleTimeoutHandler(_options.IdleTimeout, _options.TimeProvider) { InnerHandler = transport },
        };
        _realm = new HttpMessageInvoker(retry, disposeHandler: false);
        var auth = new AuthenticationHandler(endpoint, _options.Credentials,
            _options.TokenCache ?? new TokenCache(_options.TimeProvider), _realm, _options.InsecureRegistries,
            _options.UserAgent)
        {
            InnerHandler = retry,
        };
        _http = new HttpClient(new RedirectHandler { InnerHandler = auth }) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
    }

    public RegistryEndpoint Endpoint { get; }

    /// <summary>GET /v2/: succeeds when the registry speaks the v2 API and we may use it.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, "v2/", []);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "ping", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET a manifest by tag or digest. The bytes are returned as served; when asked by digest they must
    /// hash to it, and a Docker-Content-Digest header must agree with them.</summary>
    public async Task<RegistryManifest> GetManifestAsync(string repository, string reference,
        CancellationToken cancellationToken = default)
    {
        var name = RepositoryName.Validate(repository);
        var (text, asked) = RepositoryName.ValidateReference(reference);
        using var request = NewRequest(HttpMethod.Get, $"v2/{name}/manifests/{text}", [RegistryScope.Pull(name)]);
        AcceptManifests(request);

        // Headers only: the body is read below, up to the cap. HttpClient's default would buffer a whole chunked
        // body (a gigabyte from a hostile registry) before the cap was ever checked.
        using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"manifest {name}:{text}", cancellationToken).ConfigureAwait(false);

        var declared = response.Content.Headers.ContentLength;
        if (declared > _options.MaxManifestBytes)
        {
            throw new RegistryException($"manifest {name}:{text} is {declared} bytes, more than {_options.MaxManifestBytes}");
        }

        byte[] content;
        try
        {
            content = await ReadBoundedAsync(response.Content, _options.MaxManifestBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RetryHandler.IsTransportFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{Endpoint.Host}: reading manifest {name}:{text} failed: {Describe(e)}", e);
        }

        var digest = (asked?.Algorithm ?? "sha256") == "sha256" ? Digest.Compute(content) : ComputeSha512(content);
        if (asked is { } expected && digest != expected)
        {
            throw new ContentVerificationException(
                $"manifest {name}@{expected} from {Endpoint.Host} hashes to {digest}");
        }

        if (HeaderDigest(response) is { } header && header.Algorithm == digest.Algorithm && header != digest)
        {
            throw new ContentVerificationException(
                $"manifest {name}:{text} from {Endpoint.Host} hashes to {digest} but the registry says {header}");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? MediaTypeOf(content);
        return new RegistryManifest(content, mediaType, digest);
    }

    /// <summary>HEAD a manifest: its descriptor, or null when the registry does not have it.</summary>
    public async Task<RemoteDescriptor?> HeadManifestAsync(string repository, string reference,
        CancellationToken cancellationToken = default)
    {
        var name = RepositoryName.Validate(repository);
        var (text, asked) = RepositoryName.ValidateReference(reference);
        using var request = NewRequest(HttpMethod.Head, $"v2/{name}/manifests/{text}", [RegistryScope.Pull(name)]);
        AcceptManifests(request);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"manifest {name}:{text}", cancellationToken).ConfigureAwait(false);
        var digest = HeaderDigest(response) ?? asked
            ?? throw new RegistryException($"manifest {name}:{text}: HEAD answered without Docker-Content-Digest");
        return new RemoteDescriptor(response.Content.Headers.ContentType?.MediaType ?? "", digest,
            response.Content.Headers.ContentLength ?? -1);
    }

    /// <summary>PUT a manifest under a tag or its digest; returns the digest of the bytes sent.</summary>
    public async Task<Digest> PutManifestAsync(string repository, string reference, ReadOnlyMemory<byte> content,
        string mediaType, CancellationToken cancellationToken = default)
    {
        var name = RepositoryName.Validate(repository);
        var (text, asked) = RepositoryName.ValidateReference(reference);
        var digest = Digest.Compute(content.Span);
        if (asked is { } expected && expected != digest)
        {
            throw new ContentVerificationException($"manifest for {name}@{expected} hashes to {digest}");
        }

        using var request = NewRequest(HttpMethod.Put, $"v2/{name}/manifests/{text}", [RegistryScope.PullPush(name)]);
        request.Content = new ReadOnlyMemoryContent(content);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"manifest {name}:{text}", cancellationToken).ConfigureAwait(false);
        if (HeaderDigest(response) is { } header && header.Algorithm == digest.Algorithm && header != digest)
        {
            throw new ContentVerificationException($"registry stored manifest {name}:{text} as {header}, we sent {digest}");
        }

        return digest;
    }

    public void Dispose()
    {
        _http.Dispose();
        _realm.Dispose();
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string relative, IReadOnlyList<string> scopes) =>
        NewRequest(method, new Uri(Endpoint.BaseUri, relative), scopes);

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri uri, IReadOnlyList<string> scopes)
    {
        var request = new HttpRequestMessage(method, uri);
        RegistryScope.Set(request, scopes);
        return request;
    }

    /// <summary>Sends through the handler chain. A transport failure that outlived the retries becomes a
    /// <see cref="RegistryException"/> naming the request and the cause as Go's HTTP client does (docker's words:
    /// <c>Get "URL": dial tcp HOST:PORT: connect: connection refused</c>), so callers and the CLI see one kind of
    /// error for "the registry is gone" and "the registry said no", and a user sees which of them happened.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RetryHandler.IsTransportFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(TransportFailure.Describe(request, e, _certificates), e);
        }
    }

    /// <summary>The messages of an exception and its causes, since HttpClient puts the useful one
    /// ("Connection refused") on the inner exception; .NET's own in Slipway's words (<see cref="ErrorText"/>).</summary>
    internal static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            var text = ErrorText.Describe(e);
            if (!messages.Contains(text, StringComparer.Ordinal))
            {
                messages.Add(text);
            }
        }

        return string.Join(" ", messages);
    }

    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var type in ManifestMediaTypes.Accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
    }

    private static Digest? HeaderDigest(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values)
        && Digest.TryParse(values.FirstOrDefault(), out var digest) ? digest : null;

    private static Digest ComputeSha512(byte[] content) =>
        Digest.Parse("sha512:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(content)));

    /// <summary>Old registries send manifests as text/plain; the mediaType field says what they are.</summary>
    private static string MediaTypeOf(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("mediaType", out var type) && type.GetString() is { } s ? s : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit,
        CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    // Stops at the first chunk past the cap: the rest of the body is never read.
                    throw new RegistryException($"response is larger than {limit} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
