using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>Issue 12 item 10: credentials in an ADD URL fetch the file but are kept nowhere: not in the history, the
/// config, cache records, step history or explanations, and not in the build's output.</summary>
public sealed class AddUrlCredentialsTests : IDisposable
{
    private const string Password = "pw-7c1e9b4d-url";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-addurl-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task An_add_url_with_credentials_fetches_the_file_and_the_password_is_stored_nowhere()
    {
        Capability.RequireRoot();
        var ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var server = ServeAsync(listener, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("joe:" + Password)), stop.Token);

        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        File.WriteAllText(Path.Join(context, "Dockerfile"), $"FROM scratch\nADD http://joe:{Password}@127.0.0.1:{port}/payload.txt /payload.txt\n");
        using var runner = new SlipwayRunner();
        var first = await runner.OkAsync("build", "--progress", "plain", "-t", "creds:1", context);
        var second = await runner.OkAsync("build", "--progress", "plain", "--explain-cache", "-t", "creds:1", context);
        await runner.OkAsync("build", "--progress", "plain", "--output", $"type=local,dest={Path.Join(_dir.FullName, "out")}", context);
        var history = await runner.OkAsync("history", "--no-trunc", "creds:1");
        var inspect = await runner.OkAsync("inspect", "creds:1");
        await stop.CancelAsync();
        await server;

        Assert.Contains("ADD http://xxxxx:xxxxx@127.0.0.1", first.Error + first.Output, StringComparison.Ordinal);
        Assert.Contains("xxxxx:xxxxx@127.0.0.1", history.Output, StringComparison.Ordinal);
        foreach (var result in new[] { first, second, history, inspect })
        {
            Assert.DoesNotContain(Password, result.Output + result.Error, StringComparison.Ordinal);
        }

        Assert.Equal("the payload\n", await File.ReadAllTextAsync(Path.Join(_dir.FullName, "out", "payload.txt"), ct));
        var leaks = Directory.EnumerateFiles(runner.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).LinkTarget is null && File.ReadAllText(f).Contains(Password, StringComparison.Ordinal))
            .ToList();
        Assert.Empty(leaks);
    }

    /// <summary>Serves /payload.txt to requests that carry <paramref name="authorization"/>, 401 to others.</summary>
    private static async Task ServeAsync(TcpListener listener, string authorization, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(ct);
                await using var stream = new NetworkStream(socket);
                var buffer = new byte[8192];
                var seen = 0;
                while (!Encoding.ASCII.GetString(buffer, 0, seen).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(seen), ct);
                    if (n == 0)
                    {
                        break;
                    }

                    seen += n;
                }

                var ok = Encoding.ASCII.GetString(buffer, 0, seen).Contains($"Authorization: {authorization}\r\n", StringComparison.Ordinal);
                var body = ok ? "the payload\n" : "";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {(ok ? "200 OK" : "401 Unauthorized")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
