using Slipway.Build.Engine;
using Slipway.Oci;
using Slipway.Runtime.Spec;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Build.Tests.Ops;

/// <summary>The ops that make layers (RUN, COPY, WORKDIR), each run alone over the copying snapshotter and the fake
/// runtime: what the container is given, what reaches the layer, and how a failing RUN is reported.</summary>
public sealed class LayerOpTests
{
    private static uint Me => LayerNative.EffectiveUserId;

    /// <summary>A stage state whose user may own what the op makes: root as in any build, else the current user
    /// (a process without root can give files only to itself).</summary>
    private static StepState Stage(IReadOnlyDictionary<string, string?>? args = null, params string[] env)
    {
        var state = OpsFixture.State(args, env);
        return LayerNative.IsRoot ? state
            : state with { Config = state.Config with { Config = state.Container with { User = $"{Me}:{Me}" } } };
    }

    /// <summary>What <paramref name="state"/>'s layers hold, applied in order.</summary>
    private static async Task<List<string>> TreeAsync(LocalStore store, StepState state)
    {
        using var view = await new CopyingSnapshotter(store).ViewAsync(store.Layout.NewTmpPath(), state.Layers, TestContext.Current.CancellationToken);
        return [.. Directory.EnumerateFileSystemEntries(view.Path, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .Select(p => Path.GetRelativePath(view.Path, p) + (Directory.Exists(p) ? "/" : "=" + File.ReadAllText(p)))
            .Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task RUN_gives_its_container_the_stage_environment_and_args_and_commits_what_it_wrote()
    {
        var runtime = new FakeContainerRuntime((process, _) =>
        {
            process.WriteFile("/out.txt", process.Env("ONE") + process.Env("E"));
            process.Out("made");
            return Task.FromResult(0);
        });
        using var ops = new OpsFixture("FROM scratch\nRUN --network=none [\"/bin/make\", \"out.txt\"]\n", runtime: runtime);

        var state = await ops.ExecAsync("RUN --network=none [\"/bin/make\", \"out.txt\"]", Stage(new Dictionary<string, string?> { ["ONE"] = "1" }, "E=e"));

        Assert.Equal(["out.txt=1e"], await TreeAsync(ops.Store, state));
        var run = Assert.Single(runtime.Runs);
        Assert.Equal(["/bin/make", "out.txt"], run.Process.Args);
        Assert.Equal("/", run.Process.WorkingDir);
        Assert.Equal(NetworkMode.None, run.Process.Network);
        Assert.Contains(run.Mounts, m => m.Destination == "/etc/hosts");
        Assert.Equal("RUN /bin/make out.txt # buildkit", Assert.Single(state.Config.History!).CreatedBy);
        Assert.Single(state.Layers);
    }

    [Fact]
    public async Task A_failing_RUN_throws_its_step_command_exit_code_line_and_last_ten_output_lines()
    {
        var runtime = new FakeContainerRuntime((process, _) =>
        {
            for (var i = 1; i <= 12; i++)
            {
                process.Out("line " + i);
            }

            return Task.FromResult(3);
        });
        using var ops = new OpsFixture("FROM scratch\nRUN --network=none false\n", runtime: runtime);

        var error = await Assert.ThrowsAsync<RunFailedException>(() => ops.ExecAsync("RUN --network=none false", Stage()));

        Assert.Equal("[stage-0 2/2] RUN --network=none false", error.Step);
        Assert.Equal("/bin/sh -c false", error.Command);
        Assert.Equal(3, error.ExitCode);
        Assert.Equal(Enumerable.Range(3, 10).Select(i => "line " + i), error.OutputTail);
        Assert.Equal(2, error.Span.StartLine);
    }

    [Fact]
    public async Task COPY_from_the_context_commits_the_files_under_the_destination()
    {
        var copy = "COPY " + (LayerNative.IsRoot ? "" : $"--chown={Me}:{Me} ") + "hello.txt /dst/";
        using var ops = new OpsFixture($"FROM scratch\n{copy}\n");
        await File.WriteAllTextAsync(Path.Join(ops.Context, "hello.txt"), "hello", TestContext.Current.CancellationToken);

        var state = await ops.ExecAsync(copy, Stage());

        Assert.Equal(["dst/", "dst/hello.txt=hello"], await TreeAsync(ops.Store, state));
        Assert.Equal("COPY hello.txt /dst/ # buildkit", Assert.Single(state.Config.History!).CreatedBy);
    }

    [Fact]
    public async Task WORKDIR_makes_a_layer_only_when_it_creates_the_directory()
    {
        using var ops = new OpsFixture("FROM scratch\nWORKDIR /app\n");

        var created = await ops.ExecAsync("WORKDIR /app", Stage());
        var again = await ops.ExecAsync("WORKDIR /app", created);

        Assert.Equal(["app/"], await TreeAsync(ops.Store, created));
        Assert.Single(created.Layers);
        Assert.Equal("/app", created.Container.WorkingDir);
        Assert.Equal(created.Layers, again.Layers);
        Assert.True(again.Config.History![^1].EmptyLayer);
    }
}
