using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slipway.Registry.Tests.Http;

/// <summary>A hostile registry that streams a manifest without Content-Length: the client stops at the cap instead
/// of buffering the whole body first.</summary>
public sealed class ManifestLimitTests
{
    private const long Offered = 128L << 20;

    [Fact]
    public async Task A_chunked_manifest_past_the_cap_is_refused_before_the_rest_is_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeChunkedAsync(listener, ct);

        using var client = new RegistryClient(RegistryEndpoint.For($"127.0.0.1:{port}"),
            new RegistryClientOptions { TimeProvider = TimeProvider.System, MaxAttempts = 1, RetryBaseDelay = TimeSpan.Zero });
        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync("x/y", "1", ct));
        Assert.Contains($"larger than {4 << 20} bytes", error.Message, StringComparison.Ordinal);

        client.Dispose();
        var written = await served;
        // The cap plus what socket buffers held when the client hung up; a client that buffered first took it all.
        Assert.True(written < 32L << 20, $"the server wrote {written} bytes");
    }

    /// <summary>Answers one GET with chunks of 64 KiB until the client goes away or <see cref="Offered"/> bytes are
    /// out. Returns how many body bytes it managed to write.</summary>
    private static async Task<long> ServeChunkedAsync(TcpListener listener, CancellationToken ct)
    {
        using var socket = await listener.AcceptSocketAsync(ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = new byte[8192];
        var seen = 0;
        while (!Encoding.ASCII.GetString(request, 0, seen).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(request.AsMemory(seen), ct);
            if (n == 0)
            {
                return 0;
            }

            seen += n;
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nTransfer-Encoding: chunked\r\n\r\n"), ct);
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n" + new string(' ', 64 * 1024) + "\r\n");
        long written = 0;
        try
        {
            while (written < Offered)
            {
                await stream.WriteAsync(chunk, ct);
                written += 64 * 1024;
            }
        }
        catch (IOException)
        {
            // The client hung up: what it did not read was never sent.
        }

        return written;
    }
}
