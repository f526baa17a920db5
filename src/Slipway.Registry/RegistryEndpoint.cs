using System.Net;

namespace Slipway.Registry;

/// <summary>Where a registry is reached: its host as written in image references (<c>host[:port]</c>) and the base
/// URI requests go to. Plain HTTP is used only for loopback hosts and hosts named as insecure, Docker's rule;
/// everything else is HTTPS.</summary>
public sealed record RegistryEndpoint
{
    private RegistryEndpoint(string host, Uri baseUri)
    {
        Host = host;
        BaseUri = baseUri;
    }

    /// <summary>The registry host as named by the user, lower-cased (credentials are looked up under it).</summary>
    public string Host { get; }

    public Uri BaseUri { get; }

    public bool IsPlainHttp => BaseUri.Scheme == Uri.UriSchemeHttp;

    /// <param name="host"><c>host[:port]</c>, e.g. <c>ghcr.io</c>, <c>localhost:5000</c>, <c>[::1]:5000</c>.</param>
    /// <param name="insecureRegistries">Hosts (<c>host</c> or <c>host:port</c>) or CIDR ranges that may be
    /// reached over plain HTTP, like Docker's <c>insecure-registries</c>.</param>
    public static RegistryEndpoint For(string host, IEnumerable<string>? insecureRegistries = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var normalized = host.Trim().ToLowerInvariant();
        if (!Uri.TryCreate($"https://{normalized}/", UriKind.Absolute, out var probe)
            || probe.AbsolutePath != "/" || !string.IsNullOrEmpty(probe.UserInfo) || !string.IsNullOrEmpty(probe.Query))
        {
            throw new ArgumentException($"invalid registry host \"{host}\"", nameof(host));
        }

        // Docker Hub's API lives on another name than the one used in references.
        var apiHost = normalized is "docker.io" or "index.docker.io" ? "registry-1.docker.io" : normalized;
        var plain = IsInsecure(normalized, probe, insecureRegistries ?? []);
        return new RegistryEndpoint(normalized, new Uri($"{(plain ? "http" : "https")}://{apiHost}/"));
    }

    /// <summary>True when plain HTTP may carry requests (and credentials) to <paramref name="uri"/>'s host under
    /// the same rule the endpoint itself follows.</summary>
    internal static bool MayUsePlainHttp(Uri uri, IEnumerable<string> insecureRegistries) =>
        IsInsecure(uri.Authority.ToLowerInvariant(), uri, insecureRegistries);

    private static bool IsInsecure(string hostAndPort, Uri probe, IEnumerable<string> insecureRegistries)
    {
        var hostOnly = probe.IdnHost.Trim('[', ']');
        if (hostOnly == "localhost" || (IPAddress.TryParse(hostOnly, out var ip) && IPAddress.IsLoopback(ip)))
        {
            return true;
        }

        foreach (var entry in insecureRegistries)
        {
            var candidate = entry.Trim().ToLowerInvariant();
            if (candidate == hostAndPort || candidate == hostOnly)
            {
                return true;
            }

            if (candidate.Contains('/', StringComparison.Ordinal) && ip is not null
                && IPNetwork.TryParse(candidate, out var network) && network.Contains(ip))
            {
                return true;
            }
        }

        return false;
    }
}
