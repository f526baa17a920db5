using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Slipway.Oci;

namespace Slipway.Images;

/// <summary>The docker engine's API, as far as Slipway needs it: <c>POST /images/load</c> with a docker archive
/// streamed as it is written (never held in memory), over the engine's unix socket or TCP. Podman serves the same
/// API on its socket. Errors are worded as the docker client words them.</summary>
public sealed class EngineClient : IDisposable
{
    private readonly EngineEndpoint _endpoint;
    private readonly HttpClient _http;

    public EngineClient(EngineEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        var handler = new SocketsHttpHandler();
        if (endpoint.SocketPath is { } path)
        {
            handler.ConnectCallback = (_, cancellationToken) => ConnectAsync(path, cancellationToken);
        }

        // A large image takes as long as it takes; the caller's token ends it.
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Loads the docker archive <paramref name="writeArchive"/> writes into the engine; returns what the
    /// engine said it loaded (<c>Loaded image: NAME</c>, or <c>Loaded image ID: ID</c> for an untagged image).</summary>
    public async Task<IReadOnlyList<string>> LoadAsync(Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeArchive);
        using var request = new HttpRequestMessage(HttpMethod.Post, "images/load?quiet=1") { Content = new ArchiveContent(writeArchive) };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SlipwayException or OperationCanceledException)
        {
            // Writing the archive failed (a blob, the store): that error, not the connection's.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException!);
            throw;
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException socket)
        {
            throw new EngineException(ConnectError(socket), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new EngineException($"error during connect: {ErrorText.Describe(ex)}", ex);
        }

        using (response)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new EngineException("Error response from daemon: " + await ErrorMessageAsync(response, body, cancellationToken).ConfigureAwait(false));
            }

            return await ReadMessagesAsync(body, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    private static async ValueTask<Stream> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The docker client's words for each way a connection fails.</summary>
    private string ConnectError(SocketException socket) => socket.SocketErrorCode switch
    {
        // connect(2) on a unix socket path that is not there: ENOENT, which .NET calls AddressNotAvailable.
        SocketError.AddressNotAvailable when _endpoint.SocketPath is not null => EngineEndpoint.Missing(_endpoint),
        SocketError.AccessDenied => $"permission denied while trying to connect to the docker API at {_endpoint.Host}",
        SocketError.ConnectionRefused or SocketError.TimedOut => $"Cannot connect to the Docker daemon at {_endpoint.Host}. Is the docker daemon running?",
        _ => $"error during connect: {ErrorText.Describe(socket)}",
    };

    /// <summary>An error answer's message: <c>{"message": …}</c> from docker and podman, else the body as text.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, Stream body, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)Math.Min(buffer.Length, 1 << 20)).Trim();
        if (text.Length == 0)
        {
            return $"request returned {(int)response.StatusCode} {response.ReasonPhrase}; check if the server supports the requested API version";
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } said)
            {
                return said.Trim();
            }

            return $"API returned a {(int)response.StatusCode} ({response.ReasonPhrase}) but provided no error-message";
        }
        catch (JsonException)
        {
            return text;
        }
    }

    /// <summary>The engine's answer to a load: one JSON message after another (<c>{"stream": …}</c>, or
    /// <c>{"error": …, "errorDetail": {"message": …}}</c> when the load failed part way).</summary>
    private static async Task<IReadOnlyList<string>> ReadMessagesAsync(Stream body, CancellationToken cancellationToken)
    {
        var said = new List<string>();
        using var reader = new StreamReader(body, Encoding.UTF8);
        var pending = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            pending.Append(line);
            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(pending.ToString());
            }
            catch (JsonException)
            {
                // A message may span lines (podman indents); wait for the rest.
                pending.Append('\n');
                continue;
            }

            pending.Clear();
            using (json)
            {
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if ((Text(root, "errorDetail", "message") ?? Text(root, "error")) is { } error)
                {
                    throw new EngineException(error);
                }

                if (Text(root, "stream") is { } stream)
                {
                    said.AddRange(stream.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }
            }
        }

        return said;
    }

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text ? text : null;
    }

    /// <summary>A request body written while it is sent, in chunks: the archive is never whole in memory.</summary>
    private sealed class ArchiveContent : HttpContent
    {
        private readonly Func<Stream, CancellationToken, Task> _write;

        public ArchiveContent(Func<Stream, CancellationToken, Task> write)
        {
            _write = write;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            // The transport's stream stays the handler's: it ends the chunked body after this returns.
            await _write(stream, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>The docker (or podman) engine could not be reached or refused what it was sent; the message is the
/// engine's or the docker client's words for it.</summary>
public sealed class EngineException(string message, Exception? inner = null) : SlipwayException(message, inner)
{
    public const string ErrorCode = "engine.failed";

    public override string Code => ErrorCode;
}
