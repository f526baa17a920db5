using System.Text.Json;
using Slipway.Oci;
using Slipway.Testing;

namespace Slipway.Integration.Tests;

/// <summary>Issue acceptance: what <c>slipway save</c> writes loads into a real Docker engine with the same config,
/// and the loaded image runs.</summary>
public sealed class DockerLoadTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-dockerload-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task A_saved_archive_loads_into_docker_with_the_same_config_and_runs()
    {
        Capability.RequireTool("docker-registry");
        var busybox = Capability.RequireTool("busybox");
        var ct = TestContext.Current.CancellationToken;

        // A pulled image (not only an imported one): busybox alone in one layer, with a Cmd and Env to compare.
        await using var registry = await RegistryFixture.StartAsync(RegistryAuthMode.Anonymous, cancellationToken: ct);
        var container = new ContainerConfig
        {
            Cmd = ["/bin/busybox", "echo", "from-cmd"],
            Env = ["PATH=/bin", "SLIPWAY_TEST=loaded"],
            WorkingDir = "/",
        };
        using (var client = RemoteImages.Client(registry.Host))
        {
            var layer = FakeLayer.Of(("bin/busybox", await File.ReadAllBytesAsync(busybox, ct)));
            var manifest = await RemoteImages.PushImageAsync(client, "test/docker", Platform.Host.Architecture, [layer], container, ct);
            await RemoteImages.TagAsync(client, "test/docker", "1", manifest, ct);
        }

        using var runner = new SlipwayRunner();
        var reference = $"{registry.Host}/test/docker:1";
        await runner.OkAsync("pull", reference);
        await runner.OkAsync("tag", reference, "slipway-load-test:1");
        // And a multi-stage image Slipway built on it, saved into the same archive.
        Capability.RequireRoot();
        Capability.RequireTool("runc");
        var context = Directory.CreateDirectory(Path.Join(_dir.FullName, "context")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), """
            FROM slipway-load-test:1 AS build
            RUN ["/bin/busybox", "sh", "-c", "echo built-by-slipway > /msg"]
            FROM slipway-load-test:1
            COPY --from=build /msg /msg
            CMD ["/bin/busybox", "cat", "/msg"]
            """, ct);
        await runner.OkAsync("build", "--progress", "plain", "-t", "slipway-built:1", context);
        var archive = Path.Join(_dir.FullName, "archive.tar");
        await runner.OkAsync("save", "-o", archive, "slipway-load-test:1", "slipway-built:1");
        using var ours = JsonDocument.Parse((await runner.OkAsync("inspect", "slipway-load-test:1")).Output);
        var id = ours.RootElement[0].GetProperty("Id").GetString();

        await using var docker = await DockerDaemon.StartAsync(ct);
        var loaded = await docker.RunAsync(ct, "load", "-i", archive);
        Assert.Contains("Loaded image: slipway-load-test:1", loaded, StringComparison.Ordinal);

        using var theirs = JsonDocument.Parse(await docker.RunAsync(ct, "image", "inspect", "slipway-load-test:1"));
        var image = theirs.RootElement[0];
        Assert.Equal(id, image.GetProperty("Id").GetString());
        Assert.Equal(Platform.Host.Architecture, image.GetProperty("Architecture").GetString());
        Assert.Equal("linux", image.GetProperty("Os").GetString());
        var config = image.GetProperty("Config");
        Assert.Equal(container.Cmd, config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(container.Env, config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));

        var ran = await docker.RunAsync(ct, "run", "--rm", "--network=host", "slipway-load-test:1", "/bin/busybox", "echo", "hi");
        Assert.Equal("hi", ran.Trim());
        Assert.Contains("Loaded image: slipway-built:1", loaded, StringComparison.Ordinal);
        var built = await docker.RunAsync(ct, "run", "--rm", "--network=host", "slipway-built:1");
        Assert.Equal("built-by-slipway", built.Trim());
        var cmd = await docker.RunAsync(ct, "run", "--rm", "--network=host", "slipway-load-test:1");
        Assert.Equal("from-cmd", cmd.Trim());
    }
}
