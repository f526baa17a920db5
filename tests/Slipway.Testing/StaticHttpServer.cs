using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slipway.Testing;

/// <summary>A tiny HTTP/1.1 file server on 127.0.0.1 and a free port, one request per connection: GET of a file
/// under its directory (the query ignored, so git's smart-protocol probe gets the static <c>info/refs</c> and falls
/// back to dumb HTTP), 404 for anything else. It keeps every request's Authorization header, and when
/// <see cref="RequiredAuthorization"/> is set answers 401 to requests without it.</summary>
public sealed class StaticHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _root;
    private readonly Task _loop;

    public StaticHttpServer(string root)
    {
        _root = Path.GetFullPath(root);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    public string Origin => $"http://127.0.0.1:{Port}";

    public string? RequiredAuthorization { get; set; }

    /// <summary>The path and the Authorization header (empty when none) of every request, in arrival order.</summary>
    public ConcurrentQueue<(string Path, string Authorization)> Requests { get; } = new();

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                connections.Add(ServeAsync(socket));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        try
        {
            var head = await ReadHeadAsync(stream);
            var lines = head.Split("\r\n");
            var target = lines[0].Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
            var path = Uri.UnescapeDataString(target.Split('?')[0]);
            var authorization = lines.Skip(1).Where(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))
                .Select(l => l["Authorization:".Length..].Trim()).FirstOrDefault() ?? "";
            Requests.Enqueue((path, authorization));
            if (RequiredAuthorization is { } required && authorization != required)
            {
                await RespondAsync(stream, "401 Unauthorized", []);
                return;
            }

            var file = Path.GetFullPath(Path.Join(_root, path));
            if (!file.StartsWith(_root + "/", StringComparison.Ordinal) || !File.Exists(file))
            {
                await RespondAsync(stream, "404 Not Found", []);
                return;
            }

            await RespondAsync(stream, "200 OK", await File.ReadAllBytesAsync(file));
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[16384];
        var seen = 0;
        while (seen < buffer.Length && !Encoding.ASCII.GetString(buffer, 0, seen).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer.AsMemory(seen));
            if (n == 0)
            {
                break;
            }

            seen += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, seen);
    }

    private static async Task RespondAsync(NetworkStream stream, string status, byte[] body)
    {
        var head = $"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
