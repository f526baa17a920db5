namespace Slipway.Integration.Tests.Build;

/// <summary>Issue acceptance: <c>build --load</c> streams the image into a real docker engine through its API, and
/// <c>docker run</c> of it prints what the program prints; without a name it loads untagged, as buildx's does.</summary>
public sealed class LoadIntoDockerTests(BusyboxStore store) : IClassFixture<BusyboxStore>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-loadbuild-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Context()
    {
        var dir = Directory.CreateDirectory(Path.Join(_dir.FullName, "ctx")).FullName;
        // Multi-stage: the program is made in one stage and only it is copied into the image that runs.
        File.WriteAllText(Path.Join(dir, "Dockerfile"), """
            FROM busybox:1.35 AS build
            RUN printf '#!/bin/sh\necho hello from a slipway build, loaded\n' > /hello && chmod +x /hello
            FROM busybox:1.35
            COPY --from=build /hello /usr/local/bin/hello
            CMD ["hello"]
            """);
        return dir;
    }

    [Fact]
    public async Task A_loaded_image_runs_in_docker_and_prints_what_the_program_prints()
    {
        store.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var docker = await DockerDaemon.StartAsync(ct);
        var runner = store.Runner;
        runner.Variables["DOCKER_HOST"] = "unix://" + docker.Socket;
        try
        {
            var context = Context();
            var build = await runner.OkAsync("build", "--progress", "plain", "--load", "-t", "slipway-loaded:1", context);
            Assert.Contains("#0 importing to docker done", build.Error, StringComparison.Ordinal);
            var ran = await docker.RunAsync(ct, "run", "--rm", "--network", "none", "slipway-loaded:1");
            Assert.Equal("hello from a slipway build, loaded", ran.Trim());

            // No name: loaded untagged, found by its id. A label makes it another image: a fully cached rebuild keeps its
            // id, and docker would show the first build's tag on it.
            var iid = Path.Join(_dir.FullName, "iid");
            await runner.OkAsync("build", "--progress", "plain", "-o", "type=docker", "--label", "load=untagged", "--iidfile", iid, context);
            var id = File.ReadAllText(iid);
            var inspected = await docker.RunAsync(ct, "image", "inspect", "--format", "{{.Id}} {{len .RepoTags}}", id);
            Assert.Equal($"{id} 0", inspected.Trim());
            var untagged = await docker.RunAsync(ct, "run", "--rm", "--network", "none", id);
            Assert.Equal("hello from a slipway build, loaded", untagged.Trim());
        }
        finally
        {
            runner.Variables.Remove("DOCKER_HOST");
        }
    }

    [Fact]
    public async Task Load_into_an_engine_that_is_not_running_says_so_in_the_docker_clients_words()
    {
        store.Require();
        var socket = Path.Join(_dir.FullName, "d.sock");
        // Bound but not listening: the file is there, nothing accepts (.NET removes the file when it closes).
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Unspecified);
        bound.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));

        store.Runner.Variables["DOCKER_HOST"] = "unix://" + socket;
        try
        {
            var result = await store.Runner.RunAsync("build", "--progress", "plain", "--load", Context());
            Assert.Equal(1, result.Exit);
            Assert.Contains($"ERROR: Cannot connect to the Docker daemon at unix://{socket}. Is the docker daemon running?\n", result.Error,
                StringComparison.Ordinal);
        }
        finally
        {
            store.Runner.Variables.Remove("DOCKER_HOST");
        }
    }
}
