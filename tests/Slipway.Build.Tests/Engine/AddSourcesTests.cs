using System.Diagnostics;
using Slipway.Build.Engine;
using Slipway.Testing;

namespace Slipway.Build.Tests.Engine;

public sealed class AddSourcesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-add-");

    public void Dispose() => _dir.Delete(true);

    [Theory]
    [InlineData("plain.tar", "-cf")]
    [InlineData("g.tar.gz", "-czf")]
    [InlineData("x.tar.xz", "-cJf")]
    [InlineData("b.tar.bz2", "-cjf")]
    public async Task Every_kind_of_local_tar_archive_is_recognised_and_unpacked(string name, string flags)
    {
        Capability.RequireTool("tar");
        var tree = Directory.CreateDirectory(Path.Join(_dir.FullName, "tree", "sub")).FullName;
        File.WriteAllText(Path.Join(tree, "a.txt"), "a");
        var archive = Path.Join(_dir.FullName, name);
        using (var tar = Process.Start("tar", ["-C", Path.Join(_dir.FullName, "tree"), flags, archive, "."]))
        {
            await tar.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, tar.ExitCode);
        }

        var stream = AddSources.OpenArchive(archive);
        Assert.NotNull(stream);
        var dest = Directory.CreateDirectory(Path.Join(_dir.FullName, "dest")).FullName;
        await AddSources.ExtractAsync(stream, dest, TestContext.Current.CancellationToken);
        Assert.Equal("a", File.ReadAllText(Path.Join(dest, "sub", "a.txt")));
    }

    [Fact]
    public void A_compressed_file_that_is_not_a_tar_is_copied_as_it_is()
    {
        var file = Path.Join(_dir.FullName, "f.gz");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(file), System.IO.Compression.CompressionMode.Compress))
        {
            gzip.Write("not a tar"u8);
        }

        Assert.Null(AddSources.OpenArchive(file));
    }

    [Fact]
    public async Task Whiteout_names_in_an_added_archive_are_files_and_delete_nothing()
    {
        var dest = Directory.CreateDirectory(Path.Join(_dir.FullName, "dest")).FullName;
        File.WriteAllText(Path.Join(dest, "keep"), "destination file");
        Directory.CreateDirectory(Path.Join(dest, "dir"));
        File.WriteAllText(Path.Join(dest, "dir", "inner"), "destination file");
        var archive = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(archive, leaveOpen: true))
        {
            foreach (var name in new[] { ".wh.keep", "dir/.wh..wh..opq", ".wh..wh.aufs" })
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("from " + name)),
                });
            }
        }

        archive.Position = 0;
        await AddSources.ExtractAsync(archive, dest, TestContext.Current.CancellationToken);

        Assert.Equal("destination file", File.ReadAllText(Path.Join(dest, "keep")));
        Assert.Equal("destination file", File.ReadAllText(Path.Join(dest, "dir", "inner")));
        Assert.Equal("from .wh.keep", File.ReadAllText(Path.Join(dest, ".wh.keep")));
        Assert.Equal("from dir/.wh..wh..opq", File.ReadAllText(Path.Join(dest, "dir", ".wh..wh..opq")));
        Assert.Equal("from .wh..wh.aufs", File.ReadAllText(Path.Join(dest, ".wh..wh.aufs")));
    }

    // BuildKit's urlutil.RedactCredentials vectors, plus the same inside an instruction line.
    [Theory]
    [InlineData("https://user:password@host.tld/this:that", "https://xxxxx:xxxxx@host.tld/this:that")]
    [InlineData("https://user@host.tld/this:that", "https://xxxxx@host.tld/this:that")]
    [InlineData("https://:password@host.tld/this:that", "https://:xxxxx@host.tld/this:that")]
    [InlineData("https://host.tld/this:that", "https://host.tld/this:that")]
    [InlineData("1https://foo.com", "1https://foo.com")]
    [InlineData("ADD http://u:p@127.0.0.1:8080/f /f", "ADD http://xxxxx:xxxxx@127.0.0.1:8080/f /f")]
    [InlineData("ADD http://a:b@h/x http://c:d@h/y /d/", "ADD http://xxxxx:xxxxx@h/x http://xxxxx:xxxxx@h/y /d/")]
    [InlineData("ADD http://host/path/user@example /f", "ADD http://host/path/user@example /f")]
    public void Credentials_in_a_url_are_redacted_as_buildkit_shows_them(string text, string expected) =>
        Assert.Equal(expected, AddSources.Redact(text));

    [Fact]
    public async Task A_url_with_credentials_is_fetched_with_basic_auth_and_named_without_them()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var expected = "Basic " + Convert.ToBase64String("joe:p@ss w"u8.ToArray());
        var requests = new List<string>();
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var socket = await listener.AcceptSocketAsync(ct);
                await using var stream = new System.Net.Sockets.NetworkStream(socket);
                var head = await ReadHeadAsync(stream, ct);
                requests.Add(head);
                var ok = head.Contains("Authorization: " + expected + "\r\n", StringComparison.Ordinal);
                var body = ok ? "secret file" : "";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {(ok ? "200 OK" : "401 Unauthorized")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"), ct);
            }
        }, ct);

        using var sources = new AddSources(Path.Join(_dir.FullName, "scratch"));
        var (file, _) = await sources.DownloadAsync($"http://joe:p%40ss%20w@127.0.0.1:{port}/f", null, ct);
        Assert.Equal("secret file", await File.ReadAllTextAsync(file, ct));

        var error = await Assert.ThrowsAsync<BuildException>(() => sources.DownloadAsync($"http://joe:wrong@127.0.0.1:{port}/f", null, ct));
        Assert.Equal($"failed to download http://xxxxx:xxxxx@127.0.0.1:{port}/f: HTTP 401 Unauthorized", error.Message);
        await server;
        Assert.StartsWith("GET /f HTTP/1.1\r\n", requests[0], StringComparison.Ordinal);
        Assert.DoesNotContain("p%40ss", string.Concat(requests), StringComparison.Ordinal);
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var seen = 0;
        while (!System.Text.Encoding.ASCII.GetString(buffer, 0, seen).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer.AsMemory(seen), ct);
            if (n == 0)
            {
                break;
            }

            seen += n;
        }

        return System.Text.Encoding.ASCII.GetString(buffer, 0, seen);
    }
}
