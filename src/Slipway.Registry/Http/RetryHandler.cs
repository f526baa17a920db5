using System.Net;
using System.Net.Sockets;
using Slipway.Registry.Auth;

namespace Slipway.Registry.Http;

/// <summary>Retries a request whose body can be sent again on a dropped connection, 5xx (but 501) or 429, a bounded
/// number of times with exponential backoff, honouring Retry-After.</summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly int _maxAttempts;
    private readonly TimeSpan _baseDelay;
    private readonly TimeProvider _time;

    public RetryHandler(int maxAttempts, TimeSpan baseDelay, TimeProvider time)
    {
        _maxAttempts = Math.Max(1, maxAttempts);
        _baseDelay = baseDelay;
        _time = time;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var replayable = AuthenticationHandler.IsReplayable(request);
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransportFailure(e) && !IsPermanent(e)
                && replayable && attempt < _maxAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Backoff(_baseDelay, attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!IsTransient(response.StatusCode) || !replayable || attempt >= _maxAttempts)
            {
                return response;
            }

            var delay = RetryAfter(response) ?? Backoff(_baseDelay, attempt);
            response.Dispose();
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The connection failed rather than the registry answering. SocketsHttpHandler lets a raw
    /// <see cref="SocketException"/> escape when a connection is reset right after it is accepted; a registry that
    /// went silent (<see cref="IdleTimeoutException"/>) counts as a dropped connection.</summary>
    internal static bool IsTransportFailure(Exception e) =>
        e is HttpRequestException or IOException or SocketException or IdleTimeoutException;

    /// <summary>A failure that no retry mends: a name the resolver says does not exist, a TLS handshake the
    /// server's certificate (or its plain-HTTP answer) failed. A temporary resolver failure is retried.</summary>
    private static bool IsPermanent(Exception e) => e is HttpRequestException
    {
        HttpRequestError: HttpRequestError.SecureConnectionError
    } or HttpRequestException
    {
        HttpRequestError: HttpRequestError.NameResolutionError, InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound },
    };

    internal static bool IsTransient(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    internal static TimeSpan Backoff(TimeSpan baseDelay, int attempt)
    {
        var delay = baseDelay * Math.Pow(2, Math.Min(attempt - 1, 10));
        return delay > MaxDelay ? MaxDelay : delay;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        if (delay is null)
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay;
    }
}
