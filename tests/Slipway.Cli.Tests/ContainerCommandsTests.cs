using System.Text.Json;
using Slipway.Build.Containers;
using Slipway.Oci;
using Slipway.Runtime.Network;
using Slipway.Store;
using Slipway.Store.Images;

namespace Slipway.Cli.Tests;

/// <summary>The container commands over records written straight into a store (no runtime needed for containers that
/// never ran): inspect's docker shape, rm, container prune, and the images containers keep from rmi and prune.</summary>
public sealed class ContainerCommandsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-container-cli-");

    public void Dispose() => _root.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An image <c>web:1</c> and a container <c>site</c> made from it that never started.</summary>
    private async Task<(ContainerRecord Record, string ImageShortId)> SeedAsync(ContainerState? state = null)
    {
        var store = LocalStore.Open(_root.FullName, TimeProvider.System);
        var shortId = await SeededImages.SeedAsync(store, "docker.io/library/web:1", Now.AddDays(-1), null, [], ("a", 100));
        var images = new ImageStore(store);
        var (_, image) = await images.FindAsync("web:1", Ct);
        var containers = new ContainerStore(store.Layout, TimeProvider.System);
        var record = await containers.CreateAsync(new ContainerRecord
        {
            Id = ContainerStore.NewId(),
            Name = "site",
            Image = "web:1",
            ImageId = image.Id,
            ImageManifest = image.ManifestDescriptor.Digest,
            Created = Now,
            Path = "/app",
            Args = ["--port", "80"],
            Config = new ContainerConfig { Env = ["PATH=/bin"], Cmd = ["/app", "--port", "80"], ExposedPorts = ["80/tcp"] },
            Hostname = "abc",
            Ports = [new PortMapping("", 8080, 80, "tcp")],
            RuntimeName = "runc",
        }, Ct);
        await images.KeepForContainerAsync(record.Id, image.ManifestDescriptor, Ct);
        if (state is not null)
        {
            await containers.UpdateStateAsync(record.Id, _ => state, Ct);
        }

        return (record, shortId);
    }

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var env = new FakeEnvironment { IsRoot = true, Time = new SeededImages.FixedTime(Now) };
        var exit = await SlipwayApp.RunAsync(["--root", _root.FullName, .. args], env);
        return (exit, env.Out.ToString().ReplaceLineEndings("\n"), env.Error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Inspect_shows_a_container_in_dockers_shape()
    {
        var (record, _) = await SeedAsync();

        var (exit, output, _) = await RunAsync("inspect", "site");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var c = Assert.Single(doc.RootElement.EnumerateArray().ToList());
        Assert.Equal(record.Id, c.GetProperty("Id").GetString());
        Assert.Equal("/site", c.GetProperty("Name").GetString());
        Assert.Equal("/app", c.GetProperty("Path").GetString());
        Assert.Equal("created", c.GetProperty("State").GetProperty("Status").GetString());
        Assert.False(c.GetProperty("State").GetProperty("Running").GetBoolean());
        Assert.Equal("0001-01-01T00:00:00Z", c.GetProperty("State").GetProperty("StartedAt").GetString());
        Assert.Equal("8080", c.GetProperty("HostConfig").GetProperty("PortBindings").GetProperty("80/tcp")[0].GetProperty("HostPort").GetString());
        Assert.Equal("0.0.0.0", c.GetProperty("NetworkSettings").GetProperty("Ports").GetProperty("80/tcp")[0].GetProperty("HostIp").GetString());
        Assert.Equal("bridge", c.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        Assert.Equal("web:1", c.GetProperty("Config").GetProperty("Image").GetString());
    }

    [Fact]
    public async Task Inspect_runs_templates_over_a_container_and_type_picks_the_kind()
    {
        await SeedAsync();

        Assert.Equal("created /site\n", (await RunAsync("inspect", "-f", "{{.State.Status}} {{.Name}}", "site")).Out);
        Assert.Equal("created\n", (await RunAsync("container", "inspect", "-f", "{{.State.Status}}", "site")).Out);
        Assert.Equal("ERROR: No such image: site\n", (await RunAsync("inspect", "--type", "image", "site")).Error);
        Assert.Equal("ERROR: No such object: nothing\n", (await RunAsync("inspect", "nothing")).Error);
        Assert.Equal("ERROR: No such container: web:1\n", (await RunAsync("container", "inspect", "web:1")).Error);
    }

    [Fact]
    public async Task A_dead_supervisor_shows_as_dead_in_inspect()
    {
        await SeedAsync(new ContainerState { Status = ContainerState.Running, Pid = 1234, StartedAt = Now });

        var (_, output, _) = await RunAsync("inspect", "-f", "{{.State.Status}} {{.State.Dead}} {{.State.Error}}", "site");

        Assert.Equal($"dead true {ContainerState.SupervisorGone}\n", output);
    }

    [Fact]
    public async Task Rm_prints_the_name_as_given_and_the_container_is_gone()
    {
        var (record, _) = await SeedAsync();

        var (exit, output, _) = await RunAsync("rm", record.Id[..6]);

        Assert.Equal(0, exit);
        Assert.Equal(record.Id[..6] + "\n", output);
        Assert.Equal("ERROR: No such container: site\n", (await RunAsync("rm", "site")).Error);
    }

    [Fact]
    public async Task Rm_refuses_a_running_container_with_dockers_words()
    {
        var (record, _) = await SeedAsync(new ContainerState { Status = ContainerState.Running, Pid = 1234, StartedAt = Now });
        var containers = new ContainerStore(new StoreLayout(_root.FullName), TimeProvider.System);
        Assert.True(containers.TryHoldSupervisor(record.Id, out var supervisor));
        using (supervisor)
        {
            var (exit, output, error) = await RunAsync("rm", "site");

            Assert.Equal(1, exit);
            Assert.Equal("", output);
            Assert.Equal("ERROR: cannot remove container \"/site\": container is running: stop the container before removing or force remove\n", error);
        }
    }

    [Fact]
    public async Task Container_prune_removes_stopped_containers_as_docker_lists_them()
    {
        var (record, _) = await SeedAsync(new ContainerState { Status = ContainerState.Exited, ExitCode = 0, StartedAt = Now, FinishedAt = Now });

        var (exit, output, _) = await RunAsync("container", "prune", "-f");

        Assert.Equal(0, exit);
        Assert.StartsWith($"Deleted Containers:\n{record.Id}\n\nTotal reclaimed space: ", output, StringComparison.Ordinal);
        Assert.Equal("ERROR: No such object: site\n", (await RunAsync("inspect", "site")).Error);
    }

    [Fact]
    public async Task Rmi_refuses_an_image_a_container_uses_unless_forced_and_prune_keeps_it()
    {
        var (record, shortId) = await SeedAsync();

        var byName = await RunAsync("rmi", "web:1");
        var byId = await RunAsync("rmi", shortId);
        var pruned = await RunAsync("image", "prune", "-a", "-f");

        Assert.Equal($"ERROR: conflict: unable to remove repository reference \"web:1\" (must force) - container {record.ShortId} is using its referenced image {shortId}\n", byName.Error);
        Assert.Equal($"ERROR: conflict: unable to delete {shortId} (must be forced) - image is being used by stopped container {record.ShortId}\n", byId.Error);
        Assert.Equal("Total reclaimed space: 0B\n", pruned.Out);
        Assert.Equal("web\n", (await RunAsync("images", "--format", "{{.Repository}}")).Out);
        Assert.Equal(0, (await RunAsync("rmi", "-f", "web:1")).Exit);
        Assert.Equal(0, (await RunAsync("inspect", "-f", "{{.Image}}", "site")).Exit);
    }

    [Theory]
    [InlineData(new[] { "run", "img", "sh", "-c", "echo hi" }, new[] { "run", "img", "--", "sh", "-c", "echo hi" })]
    [InlineData(new[] { "run", "-d", "-e", "A=1", "--name", "x", "img", "ls", "-l" }, new[] { "run", "-d", "-e", "A=1", "--name", "x", "img", "--", "ls", "-l" })]
    [InlineData(new[] { "--root", "/r", "container", "run", "-it", "img" }, new[] { "--root", "/r", "container", "run", "-it", "img", "--" })]
    [InlineData(new[] { "run", "-dp", "80:80", "img", "--help" }, new[] { "run", "-dp", "80:80", "img", "--", "--help" })]
    [InlineData(new[] { "images", "-q" }, new[] { "images", "-q" })]
    public void Words_after_runs_image_are_separated_as_the_command(string[] args, string[] expected)
    {
        var root = SlipwayApp.Create(new FakeEnvironment());

        Assert.Equal(expected, TrailingArguments.Separate(root, args));
    }
}
