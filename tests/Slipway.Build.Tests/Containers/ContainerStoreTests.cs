using System.Text.Json;
using Slipway.Build.Containers;
using Slipway.Oci;
using Slipway.Runtime.Network;
using Slipway.Store;

namespace Slipway.Build.Tests.Containers;

/// <summary>The container records under <c>containers/</c>: created once with a unique name, found as docker finds
/// them, state replaced atomically, removed, and a dead supervisor told from a live one.</summary>
public sealed class ContainerStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-containers-");
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly ContainerStore _store;

    public ContainerStoreTests()
    {
        var layout = new StoreLayout(Path.Join(_dir.FullName, "root"));
        layout.Create();
        _store = new ContainerStore(layout, TimeProvider.System);
    }

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ContainerRecord Record(string name = "", DateTimeOffset? created = null) => new()
    {
        Id = ContainerStore.NewId(),
        Name = name,
        Image = "web:1.0",
        ImageId = Digest.Parse("sha256:" + new string('a', 64)),
        ImageManifest = Digest.Parse("sha256:" + new string('b', 64)),
        Created = created ?? Now,
        Path = "/bin/server",
        Args = ["--port", "80"],
        Config = new ContainerConfig { Env = ["PATH=/bin"], Cmd = ["--port", "80"], Labels = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } },
        Hostname = "host",
        Ports = [new PortMapping("", 8080, 80, "tcp")],
        RuntimeName = "runc",
    };

    [Fact]
    public async Task A_created_container_is_listed_in_state_created_with_its_record_as_written()
    {
        var record = await _store.CreateAsync(Record("web"), Ct);

        var listed = Assert.Single(await _store.ListAsync(Ct));

        Assert.Equal(record.Id, listed.Id);
        Assert.Equal("web", listed.Name);
        Assert.Equal(ContainerState.Created, listed.State.Status);
        Assert.Equal([new PortMapping("", 8080, 80, "tcp")], listed.Record.Ports);
        Assert.Equal(["--port", "80"], listed.Record.Args);
        Assert.Equal("1", listed.Record.Config.Labels!["a"]);
    }

    [Fact]
    public async Task The_files_use_docker_inspects_field_names()
    {
        var record = await _store.CreateAsync(Record("web"), Ct);
        await _store.UpdateStateAsync(record.Id, s => s with { Status = ContainerState.Running, Pid = 42, StartedAt = Now }, Ct);

        var dir = _store.Layout.ContainerDir(record.Id);
        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Join(dir, "config.json")));
        using var state = JsonDocument.Parse(File.ReadAllBytes(Path.Join(dir, "state.json")));

        Assert.Equal(record.Id, config.RootElement.GetProperty("Id").GetString());
        Assert.Equal("/bin/server", config.RootElement.GetProperty("Path").GetString());
        Assert.Equal(JsonValueKind.Array, config.RootElement.GetProperty("Config").GetProperty("Env").ValueKind);
        Assert.Equal("running", state.RootElement.GetProperty("Status").GetString());
        Assert.Equal(42, state.RootElement.GetProperty("Pid").GetInt32());
        Assert.False(state.RootElement.GetProperty("OOMKilled").GetBoolean());
    }

    [Fact]
    public async Task A_name_in_use_is_refused_with_dockers_conflict()
    {
        var first = await _store.CreateAsync(Record("web"), Ct);

        var error = await Assert.ThrowsAsync<ContainerException>(() => _store.CreateAsync(Record("web"), Ct));

        Assert.Equal($"Conflict. The container name \"/web\" is already in use by container \"{first.Id}\". "
            + "You have to remove (or rename) that container to be able to reuse that name.", error.Message);
    }

    [Fact]
    public async Task An_invalid_name_is_refused_with_dockers_words()
    {
        var error = await Assert.ThrowsAsync<ContainerException>(() => _store.CreateAsync(Record("no/slash"), Ct));

        Assert.Equal("Invalid container name (no/slash), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", error.Message);
    }

    [Fact]
    public async Task A_container_without_a_name_gets_an_adjective_and_a_noun()
    {
        var record = await _store.CreateAsync(Record(), Ct);

        Assert.Matches("^[a-z]+_[a-z]+[0-9]*$", record.Name);
        Assert.Equal(record.Name, (await _store.FindAsync(record.Id, Ct)).Name);
    }

    [Fact]
    public async Task Find_takes_a_full_id_a_name_with_or_without_its_slash_or_a_unique_prefix()
    {
        var record = await _store.CreateAsync(Record("web"), Ct);

        Assert.Equal(record.Id, (await _store.FindAsync(record.Id, Ct)).Id);
        Assert.Equal(record.Id, (await _store.FindAsync("web", Ct)).Id);
        Assert.Equal(record.Id, (await _store.FindAsync("/web", Ct)).Id);
        Assert.Equal(record.Id, (await _store.FindAsync(record.Id[..5], Ct)).Id);
    }

    [Fact]
    public async Task Find_of_an_unknown_container_says_no_such_container()
    {
        var error = await Assert.ThrowsAsync<ContainerException>(() => _store.FindAsync("nothing", Ct));

        Assert.Equal("No such container: nothing", error.Message);
    }

    [Fact]
    public async Task A_prefix_two_ids_share_is_ambiguous()
    {
        var one = await _store.CreateAsync(Record("one") with { Id = "ab" + new string('1', 62) }, Ct);
        await _store.CreateAsync(Record("two") with { Id = "ab" + new string('2', 62) }, Ct);

        var error = await Assert.ThrowsAsync<ContainerException>(() => _store.FindAsync("ab", Ct));

        Assert.Equal("multiple IDs found with provided prefix: ab", error.Message);
        Assert.Equal(one.Id, (await _store.FindAsync("ab1", Ct)).Id);
    }

    [Fact]
    public async Task The_list_is_newest_first()
    {
        await _store.CreateAsync(Record("old", Now), Ct);
        await _store.CreateAsync(Record("new", Now.AddMinutes(1)), Ct);

        Assert.Equal(["new", "old"], (await _store.ListAsync(Ct)).Select(c => c.Name));
    }

    [Fact]
    public async Task A_state_change_is_read_back_and_leaves_no_temporary_file()
    {
        var record = await _store.CreateAsync(Record("web"), Ct);
        var finished = Now.AddSeconds(5);

        var written = await _store.UpdateStateAsync(record.Id, s => s with { Status = ContainerState.Exited, ExitCode = 3, FinishedAt = finished }, Ct);

        var read = (await _store.FindAsync("web", Ct)).State;
        Assert.Equal(written, read);
        Assert.Equal(3, read.ExitCode);
        Assert.Equal(finished, read.FinishedAt);
        Assert.Equal(["config.json", "state.json"], Directory.GetFiles(_store.Layout.ContainerDir(record.Id)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_removed_container_is_gone_and_its_name_free_again()
    {
        var record = await _store.CreateAsync(Record("web"), Ct);

        await _store.RemoveAsync(record.Id, Ct);

        Assert.Empty(await _store.ListAsync(Ct));
        Assert.Empty(Directory.GetFileSystemEntries(_store.Layout.Containers));
        await _store.CreateAsync(Record("web"), Ct);
        await Assert.ThrowsAsync<ContainerException>(() => _store.UpdateStateAsync(record.Id, s => s, Ct));
    }

    [Fact]
    public async Task A_supervisor_is_alive_while_it_holds_its_lock_and_dead_after()
    {
        var record = await _store.CreateAsync(Record("web"), Ct);
        Assert.False(_store.IsSupervisorAlive(record.Id));

        Assert.True(_store.TryHoldSupervisor(record.Id, out var held));
        using (held)
        {
            Assert.True(_store.IsSupervisorAlive(record.Id));
            Assert.False(_store.TryHoldSupervisor(record.Id, out _));
        }

        Assert.False(_store.IsSupervisorAlive(record.Id));
    }

    [Fact]
    public void A_running_state_without_its_supervisor_is_observed_as_dead()
    {
        var running = new ContainerState { Status = ContainerState.Running, Pid = 7 };

        Assert.Equal(running, running.Observed(supervisorAlive: true));
        Assert.Equal(ContainerState.Dead, running.Observed(supervisorAlive: false).Status);
        Assert.Equal(ContainerState.SupervisorGone, running.Observed(supervisorAlive: false).Error);
        var exited = running with { Status = ContainerState.Exited };
        Assert.Equal(exited, exited.Observed(supervisorAlive: false));
    }

    [Fact]
    public void An_id_that_is_not_64_hex_digits_never_becomes_a_path()
    {
        Assert.Throws<ArgumentException>(() => _store.LogPath("../../etc"));
        Assert.Throws<ArgumentException>(() => _store.LogPath(new string('A', 64)));
    }
}
