using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;

namespace Slipway.Oci.Tests;

public sealed class ErrorTextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-errortext-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_missing_file_is_worded_as_go_words_it()
    {
        var missing = Path.Join(_dir, "missing.tar");
        var error = Assert.Throws<FileNotFoundException>(() => File.ReadAllBytes(missing));

        Assert.Equal($"open {missing}: no such file or directory", ErrorText.Describe(error));
    }

    [Fact]
    public void A_file_in_a_missing_directory_is_worded_as_go_words_it()
    {
        var missing = Path.Join(_dir, "no", "such.tar");
        var error = Assert.Throws<DirectoryNotFoundException>(() => File.WriteAllText(missing, "x"));

        Assert.Equal($"open {missing}: no such file or directory", ErrorText.Describe(error));
    }

    [Fact]
    public void A_file_where_a_directory_must_go_is_worded_as_go_words_it()
    {
        var file = Path.Join(_dir, "file");
        File.WriteAllText(file, "x");
        var error = Assert.ThrowsAny<IOException>(() => Directory.CreateDirectory(file));

        Assert.Equal($"open {file}: file exists", ErrorText.Describe(error));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_file_that_may_not_be_written_is_worded_as_go_words_it()
    {
        // Read-only sysctls refuse writes even to root.
        const string readOnly = "/proc/sys/kernel/ostype";
        Slipway.Testing.Capability.Require(File.Exists(readOnly), "needs /proc/sys");
        var error = Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(readOnly, "x"));

        Assert.Equal($"open {readOnly}: permission denied", ErrorText.Describe(error));
    }

    [Fact]
    public void A_missing_file_named_only_in_the_message_is_worded_as_go_words_it() =>
        Assert.Equal("open /x.tar: no such file or directory", ErrorText.Describe(new FileNotFoundException("Could not find file '/x.tar'.")));

    [Theory]
    [InlineData("Could not find a part of the path '/a b/c.tar'.", "open /a b/c.tar: no such file or directory")]
    [InlineData("Could not find a part of the path '/a b/c's.tar'.", "open /a b/c's.tar: no such file or directory")]
    public void A_missing_directory_is_worded_as_go_words_it(string message, string expected) =>
        Assert.Equal(expected, ErrorText.Describe(new DirectoryNotFoundException(message)));

    [Fact]
    public void Access_denied_is_worded_as_go_words_it() =>
        Assert.Equal("open /etc/shadow: permission denied", ErrorText.Describe(new UnauthorizedAccessException("Access to the path '/etc/shadow' is denied.")));

    [Fact]
    public void A_file_that_exists_is_worded_as_go_words_it() =>
        Assert.Equal("open /out: file exists", ErrorText.Describe(new IOException("The file '/out' already exists.", 17)));

    [Fact]
    public void An_io_error_of_our_own_keeps_its_message() =>
        Assert.Equal("unmount /x: Device or resource busy", ErrorText.Describe(new IOException("unmount /x: Device or resource busy")));

    [Fact]
    public void An_overflow_is_a_number_out_of_range()
    {
        var error = Assert.Throws<OverflowException>(() => int.Parse("99999999999", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("number out of range", ErrorText.Describe(error));
    }

    [Fact]
    public void A_cancellation_that_was_not_the_users_is_canceled() =>
        Assert.Equal("canceled", ErrorText.Describe(new TaskCanceledException()));

    [Fact]
    public void A_stream_that_ends_too_early_is_unexpected_end_of_data()
    {
        var error = Assert.Throws<EndOfStreamException>(() => new BinaryReader(new MemoryStream()).ReadInt32());

        Assert.Equal("unexpected end of data", ErrorText.Describe(error));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n")]
    public async Task A_server_that_does_not_answer_http_is_an_invalid_response(string answer)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[4096], TestContext.Current.CancellationToken);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), TestContext.Current.CancellationToken);
        }, TestContext.Current.CancellationToken);
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/"), TestContext.Current.CancellationToken));
        await serve;

        Assert.Equal("the server's answer is not a valid HTTP response", ErrorText.Describe(error));
    }

    [Fact]
    public async Task A_refused_connection_is_connection_refused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/"), TestContext.Current.CancellationToken));

        Assert.Equal("connection refused", ErrorText.Describe(error));
    }

    [Fact]
    public void An_http_error_status_is_worded_by_its_number() =>
        Assert.Equal("unexpected status 502 BadGateway",
            ErrorText.Describe(new HttpRequestException("Response status code does not indicate success: 502 (Bad Gateway).", null, HttpStatusCode.BadGateway)));

    [Fact]
    public void A_slipway_error_keeps_its_message() =>
        Assert.Equal("manifest: mediaType must be a string", ErrorText.Describe(new OciFormatException("manifest: mediaType must be a string")));
}
