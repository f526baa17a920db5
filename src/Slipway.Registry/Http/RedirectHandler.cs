using System.Net;

namespace Slipway.Registry.Http;

/// <summary>Follows redirects of GET and HEAD (blob downloads are often sent to a storage backend on another host)
/// by building a new request: its Authorization is left to the auth handler below, which attaches credentials
/// only for the registry's own host. The transport itself never follows redirects.</summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    private const int MaxRedirects = 10;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            return response;
        }

        var current = request;
        for (var hops = 0; IsRedirect(response.StatusCode) && response.Headers.Location is { } location; hops++)
        {
            if (hops >= MaxRedirects)
            {
                response.Dispose();
                throw new RegistryException($"too many redirects for {request.RequestUri}");
            }

            var target = location.IsAbsoluteUri ? location : new Uri(current.RequestUri!, location);
            if (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp)
            {
                return response;
            }

            // Never downgrade from HTTPS to plain HTTP.
            if (current.RequestUri!.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
            {
                response.Dispose();
                throw new RegistryException($"refusing redirect from {current.RequestUri.Host} to plain HTTP {target.Host}");
            }

            response.Dispose();
            var next = new HttpRequestMessage(request.Method, target) { Version = request.Version };
            foreach (var header in request.Headers)
            {
                if (header.Key != "Authorization")
                {
                    next.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            foreach (var option in request.Options)
            {
                ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
            }

            if (!ReferenceEquals(current, request))
            {
                current.Dispose();
            }

            current = next;
            response = await base.SendAsync(current, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect
        or HttpStatusCode.PermanentRedirect;
}
