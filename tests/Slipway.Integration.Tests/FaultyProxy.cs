using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Slipway.Integration.Tests;

/// <summary>A TCP proxy in front of a registry that can cut one connection after a number of response bytes, as a
/// registry that dies or a network that drops mid-download does, and can then stay down (every new connection is
/// reset) until <see cref="Restore"/>; or stall a connection, or strip Range from requests.</summary>
internal sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _accepting;
    private long _cutAfter = -1;
    private bool _downAfterCut;
    private bool _stallAtCut;
    private volatile bool _down;
    private volatile bool _ignoreRange;
    private int _cuts;

    public FaultyProxy(Uri upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host), upstream.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary><c>127.0.0.1:PORT</c>, for image references.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The request lines (<c>GET /v2/… HTTP/1.1</c>) that passed, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>How many connections have been cut.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>The first connection whose responses pass <paramref name="bytes"/> bytes is closed there; with
    /// <paramref name="thenDown"/> every other connection is closed too and new ones are reset, as if the registry
    /// had stopped.</summary>
    public void CutAfter(long bytes, bool thenDown)
    {
        _downAfterCut = thenDown;
        Interlocked.Exchange(ref _cutAfter, bytes);
    }

    /// <summary>The first connection whose responses pass <paramref name="bytes"/> bytes goes silent there, open but
    /// sending nothing more, as a stalled registry or a black-holed network does.</summary>
    public void StallAfter(long bytes)
    {
        _stallAtCut = true;
        Interlocked.Exchange(ref _cutAfter, bytes);
    }

    /// <summary>Requests reach the registry without their Range header, as through a server or cache that does not
    /// do ranges: a resumed download is answered 200 with the whole body.</summary>
    public void IgnoreRange() => _ignoreRange = true;

    /// <summary>The fault is removed: connections pass again.</summary>
    public void Restore()
    {
        Interlocked.Exchange(ref _cutAfter, -1);
        _down = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (_down)
            {
                Reset(client);
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Reset(client);
            return;
        }

        _open.TryAdd(client, 0);
        _open.TryAdd(server, 0);
        try
        {
            await Task.WhenAny(PumpAsync(client, server, cut: false), PumpAsync(server, client, cut: true));
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool cut)
    {
        var buffer = new byte[16 * 1024];
        long passed = 0;
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                var limit = Interlocked.Read(ref _cutAfter);
                if (cut && limit >= 0 && passed + read > limit
                    && Interlocked.CompareExchange(ref _cutAfter, -1, limit) == limit)
                {
                    await to.SendAsync(buffer.AsMemory(0, (int)(limit - passed)), SocketFlags.None, _stop.Token);
                    Interlocked.Increment(ref _cuts);
                    if (_stallAtCut)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                    }

                    if (_downAfterCut)
                    {
                        _down = true;
                        CloseAll();
                    }

                    return;
                }

                if (!cut)
                {
                    Record(buffer.AsSpan(0, read));
                }

                var chunk = !cut && _ignoreRange ? WithoutRange(buffer.AsMemory(0, read)) : buffer.AsMemory(0, read);
                await to.SendAsync(chunk, SocketFlags.None, _stop.Token);
                passed += read;
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>Notes the request line when a read starts a request (a head arrives in one read).</summary>
    private void Record(ReadOnlySpan<byte> bytes)
    {
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (end > 0 && text.AsSpan(0, end).EndsWith(" HTTP/1.1", StringComparison.Ordinal))
        {
            _requests.Enqueue(text[..end]);
        }
    }

    /// <summary>The request bytes without a <c>Range:</c> header line (a GET's head arrives in one read).</summary>
    private static ReadOnlyMemory<byte> WithoutRange(ReadOnlyMemory<byte> request)
    {
        var text = System.Text.Encoding.Latin1.GetString(request.Span);
        var start = text.IndexOf("\r\nRange:", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return request;
        }

        var end = text.IndexOf("\r\n", start + 2, StringComparison.Ordinal);
        return System.Text.Encoding.Latin1.GetBytes(text.Remove(start, end - start));
    }

    private void CloseAll()
    {
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }
    }

    private static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }
}
