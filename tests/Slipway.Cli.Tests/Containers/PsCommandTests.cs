using Slipway.Build.Containers;
using Slipway.Build.Containers.Health;
using Slipway.Runtime.Network;

namespace Slipway.Cli.Tests.Containers;

public sealed class PsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = SeededContainers.Now;
    private readonly SeededContainers _seed = new();

    public void Dispose() => _seed.Dispose();

    [Fact]
    public async Task Ps_lists_running_containers_in_dockers_columns()
    {
        var web = await _seed.AddAsync("web", Now.AddMinutes(-2), SeededContainers.Running(Now.AddMinutes(-2), HealthState.Healthy),
            supervised: true, ports: [new PortMapping("", 8080, 80, "tcp")], path: "/app", args: "--flag");
        await _seed.AddAsync("old", Now.AddHours(-1), SeededContainers.Exited(Now.AddHours(-1), Now.AddSeconds(-5), 0));

        var env = await _seed.RunAsync("ps");

        Assert.Equal("0", env.Variables["exit"]);
        Assert.Equal(
            "CONTAINER ID   IMAGE     COMMAND         CREATED         STATUS                   PORTS                                     NAMES\n" +
            $"{web.ShortId}   web:1     \"/app --flag\"   2 minutes ago   Up 2 minutes (healthy)   0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web\n",
            env.Out.ToString());
    }

    [Fact]
    public async Task Ps_all_shows_every_state_newest_first_with_dockers_status_texts()
    {
        await _seed.AddAsync("created", Now.AddSeconds(-1));
        await _seed.AddAsync("starting", Now.AddSeconds(-3), SeededContainers.Running(Now.AddSeconds(-3), HealthState.Starting), supervised: true);
        await _seed.AddAsync("exited", Now.AddMinutes(-10), SeededContainers.Exited(Now.AddMinutes(-10), Now.AddSeconds(-5), 3));
        await _seed.AddAsync("sick", Now.AddHours(-1), SeededContainers.Running(Now.AddMinutes(-5), HealthState.Unhealthy), supervised: true);

        var env = await _seed.RunAsync("ps", "-a", "--format", "{{.Names}}|{{.Status}}|{{.State}}|{{.Ports}}");

        Assert.Equal(
            "created|Created|created|\n" +
            "starting|Up 3 seconds (health: starting)|running|80/tcp\n" +
            "exited|Exited (3) 5 seconds ago|exited|\n" +
            "sick|Up 5 minutes (unhealthy)|running|80/tcp\n",
            env.Out.ToString());
    }

    [Fact]
    public async Task A_container_whose_supervisor_died_shows_as_dead()
    {
        await _seed.AddAsync("orphan", Now.AddMinutes(-1), SeededContainers.Running(Now.AddMinutes(-1)), supervised: true);
        _seed.KillSupervisors();

        var running = await _seed.RunAsync("ps", "-q");
        var all = await _seed.RunAsync("ps", "-a", "--format", "{{.Status}} {{.State}}");

        Assert.Equal("", running.Out.ToString());
        Assert.Equal("Dead dead\n", all.Out.ToString());
    }

    [Fact]
    public async Task Quiet_prints_short_ids_and_no_trunc_full_ones()
    {
        var web = await _seed.AddAsync("web", Now.AddMinutes(-1), SeededContainers.Running(Now.AddMinutes(-1)), supervised: true);

        Assert.Equal(web.ShortId + "\n", (await _seed.RunAsync("ps", "-q")).Out.ToString());
        Assert.Equal(web.Id + "\n", (await _seed.RunAsync("ps", "-q", "--no-trunc")).Out.ToString());
    }

    [Fact]
    public async Task Last_and_latest_count_containers_of_every_state()
    {
        await _seed.AddAsync("aa", Now.AddMinutes(-3));
        await _seed.AddAsync("bb", Now.AddMinutes(-2));
        await _seed.AddAsync("cc", Now.AddMinutes(-1));

        Assert.Equal("cc\nbb\n", (await _seed.RunAsync("ps", "-n", "2", "--format", "{{.Names}}")).Out.ToString());
        Assert.Equal("cc\n", (await _seed.RunAsync("ps", "-l", "--format", "{{.Names}}")).Out.ToString());
    }

    [Theory]
    [InlineData("status=exited", "done\nfailed\n")]
    [InlineData("status=created", "fresh\n")]
    [InlineData("exited=1", "failed\n")]
    [InlineData("name=^do", "done\n")]
    [InlineData("name=/fresh", "fresh\n")]
    [InlineData("label=tier", "done\nfailed\n")]
    [InlineData("label=tier=db", "failed\n")]
    [InlineData("health=none", "fresh\ndone\nfailed\n")]
    [InlineData("health=healthy", "")]
    public async Task Filters_select_as_dockerd_selects(string filter, string expected)
    {
        await _seed.AddAsync("fresh", Now.AddMinutes(-1));
        await _seed.AddAsync("done", Now.AddMinutes(-2), SeededContainers.Exited(Now.AddMinutes(-2), Now.AddMinutes(-1), 0),
            labels: new Dictionary<string, string> { ["tier"] = "web" });
        await _seed.AddAsync("failed", Now.AddMinutes(-3), SeededContainers.Exited(Now.AddMinutes(-3), Now.AddMinutes(-1), 1),
            labels: new Dictionary<string, string> { ["tier"] = "db" });

        var env = await _seed.RunAsync("ps", "-a", "--filter", filter, "--format", "{{.Names}}");

        Assert.Equal(("0", expected), (env.Variables["exit"], env.Out.ToString()));
    }

    [Fact]
    public async Task A_status_filter_lists_stopped_containers_without_all()
    {
        await _seed.AddAsync("done", Now.AddMinutes(-2), SeededContainers.Exited(Now.AddMinutes(-2), Now.AddMinutes(-1), 0));

        Assert.Equal("done\n", (await _seed.RunAsync("ps", "-f", "status=exited", "--format", "{{.Names}}")).Out.ToString());
    }

    [Fact]
    public async Task The_id_filter_matches_a_prefix()
    {
        var web = await _seed.AddAsync("web", Now.AddMinutes(-2));
        await _seed.AddAsync("other", Now.AddMinutes(-1));

        Assert.Equal("web\n", (await _seed.RunAsync("ps", "-a", "-f", "id=" + web.Id[..8], "--format", "{{.Names}}")).Out.ToString());
    }

    [Theory]
    [InlineData("bogus=1", "ERROR: invalid filter 'bogus'")]
    [InlineData("status=sleeping", "ERROR: invalid filter 'status=sleeping': invalid value for state (sleeping): must be one of created, running, paused, restarting, removing, exited, dead")]
    [InlineData("health=fine", "ERROR: invalid filter 'health=fine': invalid value for health (fine): must be one of none, starting, healthy, unhealthy")]
    [InlineData("nonsense", "ERROR: invalid argument \"nonsense\" for \"-f, --filter\" flag: bad format of filter (expected name=value)")]
    public async Task A_bad_filter_is_refused_in_dockers_words(string filter, string expected)
    {
        var env = await _seed.RunAsync("ps", "-f", filter);

        Assert.Equal("1", env.Variables["exit"]);
        Assert.Equal(expected, env.Error.ToString().Split('\n')[0]);
    }

    [Fact]
    public async Task Json_format_gives_dockers_fields()
    {
        await _seed.AddAsync("web", Now.AddMinutes(-2), labels: new Dictionary<string, string> { ["a"] = "1" });

        var env = await _seed.RunAsync("ps", "-a", "--format", "json");

        var line = env.Out.ToString().TrimEnd('\n');
        Assert.StartsWith("{\"Command\":\"\\\"/app\\\"\",\"CreatedAt\":\"2026-12-03 11:58:00 +0000 UTC\",\"HealthStatus\":\"\",\"ID\":\"", line, StringComparison.Ordinal);
        Assert.EndsWith("\"Image\":\"web:1\",\"Labels\":\"a=1\",\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":\"web\",\"Networks\":\"bridge\",\"Ports\":\"\",\"RunningFor\":\"2 minutes ago\",\"Size\":\"0B\",\"State\":\"created\",\"Status\":\"Created\"}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_format_gets_dockers_headers()
    {
        await _seed.AddAsync("web", Now.AddMinutes(-2));

        var env = await _seed.RunAsync("ps", "-a", "--format", "table {{.Names}}\t{{.State}}\t{{.CreatedAt}}");

        Assert.Equal("NAMES     STATE     CREATED AT\nweb       created   2026-12-03 11:58:00 +0000 UTC\n", env.Out.ToString());
    }

    [Fact]
    public async Task Container_ls_and_its_aliases_are_ps()
    {
        await _seed.AddAsync("web", Now.AddMinutes(-2));

        foreach (var name in new[] { "ls", "ps", "list" })
        {
            Assert.Equal("web\n", (await _seed.RunAsync("container", name, "-a", "--format", "{{.Names}}")).Out.ToString());
        }
    }

    [Fact]
    public async Task Label_takes_a_label_name_as_docker_does()
    {
        await _seed.AddAsync("web", Now.AddMinutes(-2), labels: new Dictionary<string, string> { ["com.example.tier"] = "front" });
        await _seed.AddAsync("bare", Now.AddMinutes(-3));

        var env = await _seed.RunAsync("ps", "-a", "--format", "table {{.Names}}\t{{.Label \"com.example.tier\"}}");
        var wrong = await _seed.RunAsync("ps", "-a", "--format", "{{.Label}}");

        Assert.Equal("NAMES     tier\nweb       front\nbare\n", env.Out.ToString());
        Assert.Contains("wrong number of args for Label: want 1 got 0", wrong.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ancestor_selects_the_containers_of_an_image_and_an_unknown_image_none()
    {
        var store = Slipway.Store.LocalStore.Open(_seed.Root, TimeProvider.System);
        var config = await store.Blobs.WriteAsync(Slipway.Oci.MediaTypes.OciConfig, Slipway.Oci.OciJson.Serialize(new Slipway.Oci.ImageConfig
        {
            Architecture = "amd64", Os = "linux", RootFs = new Slipway.Oci.RootFs { DiffIds = [] },
        }), TestContext.Current.CancellationToken);
        var manifest = await store.Blobs.WriteAsync(Slipway.Oci.MediaTypes.OciManifest, Slipway.Oci.OciJson.Serialize(new Slipway.Oci.ImageManifest
        {
            MediaType = Slipway.Oci.MediaTypes.OciManifest, Config = config, Layers = [],
        }), TestContext.Current.CancellationToken);
        await store.Refs.SetAsync("docker.io/library/seed:1", manifest, TestContext.Current.CancellationToken);
        await _seed.AddAsync("mine", Now.AddMinutes(-1), imageId: config.Digest);
        await _seed.AddAsync("other", Now.AddMinutes(-2));

        Assert.Equal("mine\n", (await _seed.RunAsync("ps", "-a", "-f", "ancestor=seed:1", "--format", "{{.Names}}")).Out.ToString());
        Assert.Equal("mine\n", (await _seed.RunAsync("ps", "-a", "-f", "ancestor=" + config.Digest.ShortHex, "--format", "{{.Names}}")).Out.ToString());
        var unknown = await _seed.RunAsync("ps", "-a", "-f", "ancestor=nothing:here", "--format", "{{.Names}}");
        Assert.Equal(("0", ""), (unknown.Variables["exit"], unknown.Out.ToString()));
    }

    [Fact]
    public async Task Before_and_since_select_by_creation_around_a_container()
    {
        await _seed.AddAsync("oldest", Now.AddMinutes(-3));
        await _seed.AddAsync("middle", Now.AddMinutes(-2));
        await _seed.AddAsync("newest", Now.AddMinutes(-1));

        Assert.Equal("oldest\n", (await _seed.RunAsync("ps", "-a", "-f", "before=middle", "--format", "{{.Names}}")).Out.ToString());
        Assert.Equal("newest\n", (await _seed.RunAsync("ps", "-a", "-f", "since=middle", "--format", "{{.Names}}")).Out.ToString());
    }
}
