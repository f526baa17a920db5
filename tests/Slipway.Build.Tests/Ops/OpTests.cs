using Slipway.Build.Engine;
using Slipway.Build.Ops;
using Slipway.Solver;

namespace Slipway.Build.Tests.Ops;

/// <summary>The ops that need neither a container nor a mount, run for real: what they make, what their cache map
/// holds, and how a cached result is revived with this build's state.</summary>
public sealed class OpTests
{
    private static Dictionary<string, string?> Args(params (string Name, string? Value)[] args) =>
        args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);

    [Fact]
    public async Task ENV_expands_every_pair_against_the_environment_before_the_line()
    {
        using var ops = new OpsFixture("FROM scratch\nENV abc=bye def=$abc\n");

        var state = await ops.ExecAsync("ENV abc=bye def=$abc", OpsFixture.State(null, "abc=hello"));

        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "abc=bye", "def=hello"], state.Env);
        var history = Assert.Single(state.Config.History!);
        Assert.Equal("ENV abc=bye def=hello", history.CreatedBy);
        Assert.Equal(OpsFixture.Created, history.Created);
        Assert.True(history.EmptyLayer);
    }

    [Fact]
    public async Task CMD_marks_CMD_set_and_ENTRYPOINT_keeps_a_CMD_of_its_stage_only()
    {
        using var ops = new OpsFixture("FROM scratch\nCMD [\"run\"]\nENTRYPOINT [\"/bin/app\"]\n");
        var inherited = OpsFixture.State() with { Config = OpsFixture.State().Config with { Config = new Oci.ContainerConfig { Cmd = ["base"] } } };

        var cmd = await ops.ExecAsync("CMD [\"run\"]", OpsFixture.State());
        var afterCmd = await ops.ExecAsync("ENTRYPOINT [\"/bin/app\"]", cmd);
        var afterBase = await ops.ExecAsync("ENTRYPOINT [\"/bin/app\"]", inherited);

        Assert.True(cmd.CmdSet);
        Assert.Equal(["run"], afterCmd.Container.Cmd);
        Assert.Null(afterBase.Container.Cmd);
    }

    [Fact]
    public async Task EXPOSE_adds_each_port_of_a_range_with_its_protocol()
    {
        using var ops = new OpsFixture("FROM scratch\nEXPOSE 80 8000-8001/UDP\n");

        var state = await ops.ExecAsync("EXPOSE 80 8000-8001/UDP", OpsFixture.State());

        Assert.Equal(["80/tcp", "8000/udp", "8001/udp"], state.Container.ExposedPorts);
    }

    [Fact]
    public void A_cached_result_is_revived_with_this_builds_args_and_cmd_state_not_the_records()
    {
        using var ops = new OpsFixture("FROM scratch\nARG A=default\nLABEL x=y\nCMD true\n", new Dictionary<string, string> { ["A"] = "given" });
        var record = OpsFixture.State(Args(("OLD", "record"))) with { CmdSet = true };
        var input = OpsFixture.State(Args(("B", "now")));

        var arg = ops.Op("ARG A=default").Revive(record, [input]);
        var label = ops.Op("LABEL x=y").Revive(record, [input]);
        var cmd = ops.Op("CMD true").Revive(record with { CmdSet = false }, [input]);
        var from = ops.Op("FROM scratch").Revive(record, []);

        Assert.Equal(Args(("B", "now"), ("A", "given")), arg.Args);
        Assert.False(arg.CmdSet);
        Assert.Equal(Args(("B", "now")), label.Args);
        Assert.False(label.CmdSet);
        Assert.True(cmd.CmdSet);
        Assert.Empty(from.Args);
        Assert.False(from.CmdSet);
    }

    [Fact]
    public async Task ARG_takes_a_build_argument_over_its_default_and_adds_nothing_to_its_key_but_the_platform()
    {
        using var ops = new OpsFixture("FROM scratch\nARG A=default B=$A\n", new Dictionary<string, string> { ["A"] = "given" });

        var state = await ops.ExecAsync("ARG A=default B=$A", OpsFixture.State());
        var map = await ops.CacheMapAsync("ARG A=default B=$A", OpsFixture.State());

        Assert.Equal(Args(("A", "given"), ("B", "")), state.Args);
        Assert.Equal([KeyValuePair.Create("platform", "linux/amd64")], map.Facts!.Values);
    }

    [Fact]
    public async Task FROM_scratch_starts_an_empty_image_of_the_build_platform_with_PATH_set()
    {
        using var ops = new OpsFixture("FROM scratch\n");

        var state = await ops.Op("FROM scratch").ExecAsync([], new CacheMap(default), TestContext.Current.CancellationToken);

        Assert.Empty(state.Layers);
        Assert.Equal(("linux", "amd64"), (state.Config.Os, state.Config.Architecture));
        Assert.Equal([StepState.DefaultPath], state.Env);
    }

    [Fact]
    public async Task A_cache_map_keys_the_variables_an_instruction_referenced_and_no_others()
    {
        using var ops = new OpsFixture("FROM scratch\nLABEL v=$USED\n");
        var input = OpsFixture.State(Args(("USED", "1"), ("UNUSED", "2")), "FROM_ENV=3");

        var map = await ops.CacheMapAsync("LABEL v=$USED", input);

        Assert.Contains(KeyValuePair.Create("arg:USED", "1"), map.Facts!.Values);
        Assert.Contains(KeyValuePair.Create("expanded", "LABEL v=1"), map.Facts.Values);
        Assert.DoesNotContain(map.Facts.Values, v => v.Key is "arg:UNUSED" or "env:FROM_ENV");
        Assert.NotNull(map.History);
    }

    [Fact]
    public async Task A_RUN_cache_map_keys_every_ARG_and_ENV_in_scope()
    {
        using var ops = new OpsFixture("FROM scratch\nRUN true\n");
        var input = OpsFixture.State(Args(("A", "1"), ("UNSET", null)), "E=2");

        var map = await ops.CacheMapAsync("RUN true", input);

        Assert.Contains(KeyValuePair.Create("arg:A", "1"), map.Facts!.Values);
        Assert.Contains(KeyValuePair.Create("env:E", "2"), map.Facts.Values);
        Assert.Contains(KeyValuePair.Create("expanded", "RUN /bin/sh -c true"), map.Facts.Values);
        Assert.DoesNotContain(map.Facts.Values, v => v.Key == "arg:UNSET");
    }
}
