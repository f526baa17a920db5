using System.Net.Sockets;
using System.Text;

namespace Slipway.Images.Tests;

/// <summary>A load streams the archive to the engine's socket and reports what the engine said, in its words.</summary>
public sealed class EngineClientTests : IDisposable
{
    // Short: a unix socket's path must fit in 108 bytes.
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sw-engine-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Socket => Path.Join(_dir.FullName, "e.sock");

    private static async Task WriteArchiveAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = new System.Formats.Tar.TarWriter(stream, leaveOpen: true);
        var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "manifest.json")
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes("[]")),
        };
        await writer.WriteEntryAsync(entry, cancellationToken);
    }

    [Fact]
    public async Task A_load_posts_the_archive_and_returns_what_the_engine_loaded()
    {
        await using var engine = new FakeEngine(Socket, 200, "application/json",
            "{\"stream\":\"Loaded image: hello:1\\n\"}\n{\"stream\":\"Loaded image ID: sha256:abc\\n\"}\n");
        using var client = new EngineClient(EngineEndpoint.Unix(Socket));

        var said = await client.LoadAsync(WriteArchiveAsync, TestContext.Current.CancellationToken);

        Assert.Equal(["Loaded image: hello:1", "Loaded image ID: sha256:abc"], said);
        Assert.StartsWith("POST /images/load?quiet=1 HTTP/1.1", engine.RequestLine, StringComparison.Ordinal);
        Assert.Equal(["manifest.json"], engine.EntryNames());
    }

    [Fact]
    public async Task An_error_answer_is_the_engines_message_as_the_docker_client_words_it()
    {
        await using var engine = new FakeEngine(Socket, 500, "application/json", "{\"message\":\"unexpected EOF\"}");
        using var client = new EngineClient(EngineEndpoint.Unix(Socket));

        var error = await Assert.ThrowsAsync<EngineException>(() => client.LoadAsync(WriteArchiveAsync, TestContext.Current.CancellationToken));

        Assert.Equal("Error response from daemon: unexpected EOF", error.Message);
        Assert.Equal("engine.failed", error.Code);
    }

    [Fact]
    public async Task A_load_that_fails_part_way_is_the_engines_error_message()
    {
        await using var engine = new FakeEngine(Socket, 200, "application/json",
            "{\"errorDetail\":{\"message\":\"open /var/lib/docker/tmp/x: no space left on device\"},\"error\":\"open /var/lib/docker/tmp/x: no space left on device\"}\n");
        using var client = new EngineClient(EngineEndpoint.Unix(Socket));

        var error = await Assert.ThrowsAsync<EngineException>(() => client.LoadAsync(WriteArchiveAsync, TestContext.Current.CancellationToken));

        Assert.Equal("open /var/lib/docker/tmp/x: no space left on device", error.Message);
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_says_the_daemon_is_not_running()
    {
        // Bound but not listening: the file is there, nothing accepts (.NET removes the file when it closes).
        using var bound = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(Socket));

        using var client = new EngineClient(EngineEndpoint.Unix(Socket));

        var error = await Assert.ThrowsAsync<EngineException>(() => client.LoadAsync(WriteArchiveAsync, TestContext.Current.CancellationToken));

        Assert.Equal($"Cannot connect to the Docker daemon at unix://{Socket}. Is the docker daemon running?", error.Message);
    }

    [Fact]
    public async Task A_socket_that_is_not_there_names_its_path()
    {
        using var client = new EngineClient(EngineEndpoint.Unix(Socket));

        var error = await Assert.ThrowsAsync<EngineException>(() => client.LoadAsync(WriteArchiveAsync, TestContext.Current.CancellationToken));

        Assert.Equal($"failed to connect to the docker API at unix://{Socket}; check if the path is correct and if the daemon is running: "
            + $"dial unix {Socket}: connect: no such file or directory", error.Message);
    }
}
