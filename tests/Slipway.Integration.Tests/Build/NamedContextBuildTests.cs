namespace Slipway.Integration.Tests.Build;

/// <summary><c>--build-context</c> with real builds: a directory read by <c>COPY --from</c> (through its own
/// .dockerignore, its content in the cache key), a <c>docker-image://</c> standing in for a FROM and for a whole
/// stage, and an image out of an <c>oci-layout://</c> directory.</summary>
public sealed class NamedContextBuildTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-named-build-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Join(_dir.FullName, name)).FullName;

    private string Context(string name, string dockerfile)
    {
        var dir = Dir(name);
        File.WriteAllText(Path.Join(dir, "Dockerfile"), dockerfile);
        return dir;
    }

    [Fact]
    public async Task A_directory_context_is_copied_from_through_its_dockerignore_and_its_content_keys_the_copy()
    {
        store.Require();
        var project = Dir("project");
        File.WriteAllText(Path.Join(project, "msg.txt"), "first\n");
        File.WriteAllText(Path.Join(project, "secret.txt"), "kept out\n");
        File.WriteAllText(Path.Join(project, ".dockerignore"), "secret.txt\n");
        var context = Context("dirctx", "FROM busybox:1.35\nCOPY --from=project . /project/\n");
        var output = Path.Join(_dir.FullName, "out1");

        await store.Runner.OkAsync("build", "--progress", "plain", "--build-context", "project=" + project, "-o", "type=local,dest=" + output, context);
        Assert.Equal("first\n", File.ReadAllText(Path.Join(output, "project", "msg.txt")));
        Assert.False(File.Exists(Path.Join(output, "project", "secret.txt")));

        File.WriteAllText(Path.Join(project, "msg.txt"), "second\n");
        var again = Path.Join(_dir.FullName, "out2");
        await store.Runner.OkAsync("build", "--progress", "plain", "--build-context", "project=" + project, "-o", "type=local,dest=" + again, context);
        Assert.Equal("second\n", File.ReadAllText(Path.Join(again, "project", "msg.txt")));
    }

    [Fact]
    public async Task A_docker_image_context_stands_in_for_a_base_and_for_a_whole_stage()
    {
        store.Require();
        var context = Context("imgctx", """
            FROM nosuch/builder:1 AS builder
            RUN exit 3
            FROM nosuch/base
            COPY --from=builder /bin/busybox /copied
            RUN echo built-on-the-context > /built
            """);
        var output = Path.Join(_dir.FullName, "img-out");

        await store.Runner.OkAsync("build", "--progress", "plain", "--build-context", "builder=docker-image://busybox:1.35",
            "--build-context", "nosuch/base=docker-image://busybox:1.35", "-o", "type=local,dest=" + output, context);

        Assert.Equal("built-on-the-context\n", File.ReadAllText(Path.Join(output, "built")));
        Assert.True(File.Exists(Path.Join(output, "copied")));
        Assert.True(File.Exists(Path.Join(output, "bin", "busybox")));
    }

    [Fact]
    public async Task A_directory_context_can_be_a_base_and_a_url_context_is_one_file_named_context()
    {
        store.Require();
        var ct = TestContext.Current.CancellationToken;
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var listener = new System.Net.HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var served = Task.Run(async () =>
        {
            var request = await listener.GetContextAsync();
            var body = System.Text.Encoding.UTF8.GetBytes("from the url\n");
            request.Response.ContentLength64 = body.Length;
            await request.Response.OutputStream.WriteAsync(body, ct);
            request.Response.Close();
        }, ct);
        var tools = Dir("tools");
        File.WriteAllText(Path.Join(tools, "tool.txt"), "a tool\n");
        var context = Context("urlctx", "FROM tools\nCOPY --from=data context /data.txt\n");
        var output = Path.Join(_dir.FullName, "url-out");

        await store.Runner.OkAsync("build", "--progress", "plain", "--build-context", "tools=" + tools,
            "--build-context", $"data=http://127.0.0.1:{port}/data.txt", "-o", "type=local,dest=" + output, context);
        await served;

        Assert.Equal("a tool\n", File.ReadAllText(Path.Join(output, "tool.txt")));
        Assert.Equal("from the url\n", File.ReadAllText(Path.Join(output, "data.txt")));
    }

    [Fact]
    public async Task An_oci_layout_context_is_the_image_the_layout_holds_under_its_tag()
    {
        store.Require();
        var layout = Path.Join(_dir.FullName, "layout");
        await store.Runner.OkAsync("save", "--format", "oci-layout", "-o", layout, "busybox:1.35");
        var context = Context("layoutctx", "FROM base\nRUN echo from-the-layout > /from\n");
        var output = Path.Join(_dir.FullName, "layout-out");

        await store.Runner.OkAsync("build", "--progress", "plain", "--build-context", $"base=oci-layout://{layout}:1.35",
            "-o", "type=local,dest=" + output, context);

        Assert.Equal("from-the-layout\n", File.ReadAllText(Path.Join(output, "from")));
    }
}
