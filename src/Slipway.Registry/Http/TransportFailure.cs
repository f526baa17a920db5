using System.Collections.Concurrent;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Slipway.Oci;

namespace Slipway.Registry.Http;

/// <summary>A request that never got an answer, in the words of Go's HTTP client (and so of docker and BuildKit):
/// <c>Get "https://host/v2/": dial tcp: lookup host: no such host</c>, <c>… dial tcp 127.0.0.1:5000: connect:
/// connection refused</c>, <c>… tls: failed to verify certificate: x509: certificate signed by unknown
/// authority</c>, <c>… http: server gave HTTP response to HTTPS client</c>. The cause comes from the exception's
/// error kind, socket error and the certificate verdict recorded while the connection was made, never from .NET's
/// resource text.</summary>
internal static class TransportFailure
{
    /// <summary>The failed request and why, as Go's <c>url.Error</c> prints it.</summary>
    public static string Describe(HttpRequestMessage request, Exception exception, CertificateVerdicts? certificates)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri!;
        var method = request.Method.Method;
        return $"{method[..1]}{method[1..].ToLowerInvariant()} \"{uri}\": {Cause(uri, exception, certificates)}";
    }

    private static string Cause(Uri uri, Exception exception, CertificateVerdicts? certificates)
    {
        var socket = Find<SocketException>(exception);
        var http = Find<HttpRequestException>(exception);
        var dial = $"dial tcp {uri.Host}:{uri.Port}";
        return http?.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"dial tcp: lookup {uri.IdnHost}: {(socket is null ? "no such host" : ErrorText.Describe(socket))}",
            HttpRequestError.ConnectionError when socket?.SocketErrorCode == SocketError.TimedOut => $"{dial}: i/o timeout",
            HttpRequestError.ConnectionError when socket is not null => $"{dial}: connect: {ErrorText.Describe(socket)}",
            HttpRequestError.SecureConnectionError => Tls(uri, exception, certificates),
            _ => RegistryClient.Describe(exception),
        };
    }

    /// <summary>Why a TLS handshake failed: the certificate verdict when there was one; a server that answered in
    /// plain HTTP (its first bytes were not a TLS record); else the handshake.</summary>
    private static string Tls(Uri uri, Exception exception, CertificateVerdicts? certificates)
    {
        if (certificates?.Take(uri.IdnHost) is { } verdict)
        {
            return "tls: failed to verify certificate: " + verdict;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            // SslStream refuses the server's first bytes itself (an AuthenticationException of its own, with no
            // cause beneath it) when they are not a TLS record, and OpenSSL says "wrong version number": what a
            // plain-HTTP server answers to a ClientHello is its 400 page, so this is Go's "HTTP response" case.
            if ((e is AuthenticationException && e.InnerException is null)
                || (e is not AuthenticationException && e.Message.Contains("wrong version number", StringComparison.OrdinalIgnoreCase)))
            {
                return "http: server gave HTTP response to HTTPS client";
            }
        }

        return "tls: handshake failure";
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}

/// <summary>The last certificate a host presented that failed verification, and why, in Go's x509 words. The
/// verdict itself stays the platform's (a certificate is accepted exactly when it has no policy error); this only
/// remembers why one was refused, since the handshake's exception does not say it in words of its own.</summary>
internal sealed class CertificateVerdicts
{
    private readonly ConcurrentDictionary<string, string> _refused = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var host = (sender as SslStream)?.TargetHostName ?? "";
        _refused[host] = Reason(host, certificate, chain, errors);
        return false;
    }

    /// <summary>Why <paramref name="host"/>'s certificate was refused, once; null when it was not.</summary>
    public string? Take(string host) => _refused.TryRemove(host, out var reason) ? reason : null;

    private static string Reason(string host, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || certificate is null)
        {
            return "tls: server sent no certificate";
        }

        var status = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            return "x509: certificate has expired or is not yet valid";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            return "x509: certificate signed by unknown authority";
        }

        var names = (certificate as X509Certificate2)?.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList() ?? [];
        return names.Count > 0
            ? $"x509: certificate is valid for {string.Join(", ", names)}, not {host}"
            : $"x509: certificate is not valid for {host}";
    }
}
