using System.Formats.Tar;
using System.Net.Sockets;
using System.Text;

namespace Slipway.Images.Tests;

/// <summary>An engine API on a unix socket that answers one request the way it is told, keeping the body it was
/// sent (chunked, as a streamed load sends it) so a test can read the archive.</summary>
internal sealed class FakeEngine : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Task _serving;

    public FakeEngine(string socketPath, int status, string contentType, string body)
    {
        SocketPath = socketPath;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen();
        _serving = ServeAsync(status, contentType, body);
    }

    public string SocketPath { get; }

    public string RequestLine { get; private set; } = "";

    public byte[] Body { get; private set; } = [];

    /// <summary>The entry names of the tar the request carried.</summary>
    public List<string> EntryNames()
    {
        var names = new List<string>();
        using var reader = new TarReader(new MemoryStream(Body));
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private async Task ServeAsync(int status, string contentType, string body)
    {
        using var connection = await _listener.AcceptAsync();
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        var headers = await ReadLineBlockAsync(stream);
        RequestLine = headers[0];
        Body = await ReadChunkedAsync(stream);
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }

    private static async Task<List<string>> ReadLineBlockAsync(Stream stream)
    {
        var lines = new List<string>();
        while (await ReadLineAsync(stream) is { Length: > 0 } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != '\n')
        {
            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }

        return line.ToString();
    }

    private static async Task<byte[]> ReadChunkedAsync(Stream stream)
    {
        var body = new MemoryStream();
        while (true)
        {
            var size = Convert.ToInt32(await ReadLineAsync(stream), 16);
            if (size == 0)
            {
                await ReadLineAsync(stream);
                return body.ToArray();
            }

            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk);
            body.Write(chunk);
            await ReadLineAsync(stream);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // Never asked, or the client went away.
        }
    }
}
