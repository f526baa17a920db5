using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Slipway.Testing;

/// <summary>A token server for the Docker Hub flow: <c>GET realm?service=…&amp;scope=type:name:actions</c> with an
/// optional Basic header, answered with <c>{"token":…,"access_token":…}</c>. A known user gets every action it
/// asks for; an anonymous caller gets only <c>pull</c>, and only when anonymous pull is allowed; a wrong password
/// gets 401.</summary>
public sealed class TokenServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly TokenSigner _signer;
    private readonly string _username;
    private readonly string _password;
    private readonly bool _allowAnonymousPull;
    private readonly Task _loop;
    private readonly ConcurrentQueue<TokenRequest> _requests = new();

    private TokenServer(HttpListener listener, Uri realm, string service, string issuer, string username,
        string password, bool allowAnonymousPull)
    {
        _listener = listener;
        Realm = realm;
        Service = service;
        _signer = new TokenSigner(issuer);
        _username = username;
        _password = password;
        _allowAnonymousPull = allowAnonymousPull;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Realm { get; }

    public string Service { get; }

    public string Issuer => _signer.Issuer;

    /// <summary>PEM of the certificate the registry must trust (<c>auth.token.rootcertbundle</c>).</summary>
    public string RootCertificatePem => _signer.CertificatePem;

    /// <summary>Every request answered so far, so tests can see what a client asked for and how often.</summary>
    public IReadOnlyList<TokenRequest> Requests => [.. _requests];

    /// <summary>How long issued tokens live; tests of expiry set it low.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public static TokenServer Start(string service, string issuer, string username, string password,
        bool allowAnonymousPull)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Find();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding; try another.
                listener.Close();
                continue;
            }

            return new TokenServer(listener, new Uri($"http://127.0.0.1:{port}/token"), service, issuer,
                username, password, allowAnonymousPull);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (HttpListenerException)
        {
        }

        _signer.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        var request = context.Request;
        if (request.HttpMethod != "GET" || request.Url?.AbsolutePath != Realm.AbsolutePath)
        {
            response.StatusCode = 404;
            return;
        }

        var query = request.QueryString;
        var scopes = query.GetValues("scope")?.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList() ?? [];
        var user = Authenticate(request.Headers["Authorization"], out var badCredentials);
        _requests.Enqueue(new TokenRequest(query["service"], scopes, user, request.Headers["Authorization"] is not null));

        if (badCredentials)
        {
            response.StatusCode = 401;
            response.AddHeader("WWW-Authenticate", "Basic realm=\"slipway-token-server\"");
            return;
        }

        if (query["service"] != Service)
        {
            response.StatusCode = 400;
            return;
        }

        var access = new List<GrantedAccess>();
        foreach (var scope in scopes)
        {
            var grant = Grant(scope, user);
            if (grant is not null)
            {
                access.Add(grant);
            }
        }

        var token = _signer.Sign(user ?? "", Service, access, TokenLifetime);
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("token", token);
            writer.WriteString("access_token", token);
            writer.WriteNumber("expires_in", (int)TokenLifetime.TotalSeconds);
            // RFC 3339 in UTC with a Z: Go clients (skopeo, docker) parse issued_at strictly.
            writer.WriteString("issued_at", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body.GetBuffer(), 0, (int)body.Length);
    }

    private string? Authenticate(string? authorization, out bool badCredentials)
    {
        badCredentials = false;
        if (authorization is null)
        {
            return null;
        }

        const string prefix = "Basic ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            badCredentials = true;
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[prefix.Length..].Trim()));
        }
        catch (FormatException)
        {
            badCredentials = true;
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded[..colon] != _username || decoded[(colon + 1)..] != _password)
        {
            badCredentials = true;
            return null;
        }

        return _username;
    }

    private GrantedAccess? Grant(string scope, string? user)
    {
        // type:name:actions, where the name itself never holds a colon in the repository namespace.
        var first = scope.IndexOf(':', StringComparison.Ordinal);
        var last = scope.LastIndexOf(':');
        if (first < 0 || last <= first)
        {
            return null;
        }

        var type = scope[..first];
        var name = scope[(first + 1)..last];
        var asked = scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var granted = user is not null
            ? asked
            : _allowAnonymousPull && type == "repository" ? asked.Where(a => a == "pull").ToArray() : [];
        return granted.Length == 0 ? null : new GrantedAccess(type, name, granted);
    }
}

/// <summary>What a client asked the token server for.</summary>
public sealed record TokenRequest(string? Service, IReadOnlyList<string> Scopes, string? User, bool SentCredentials);
