using Slipway.Runtime.Spec;
using Slipway.Testing;

namespace Slipway.Runtime.Tests;

/// <summary>What every <see cref="IContainerRuntime"/> must do, run against each implementation (one derived class
/// each). The scripts are busybox sh; the fake runs them through <see cref="FakeShell"/>.</summary>
public abstract class ContainerRuntimeContract : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-runtime-contract-");
    private IContainerRuntime? _runtime;

    protected const string Prefix = "slipway-contract-";

    public void Dispose()
    {
        _dir.Delete(true);
        GC.SuppressFinalize(this);
    }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The implementation under test, keeping its state under <paramref name="stateRoot"/>; skips the test
    /// (through <see cref="Capability"/>) when it cannot run here.</summary>
    protected abstract IContainerRuntime Create(string stateRoot);

    /// <summary>Puts what the scripts need into an empty root filesystem.</summary>
    protected abstract void Populate(string rootfs);

    private IContainerRuntime Runtime => _runtime ??= Create(Path.Join(_dir.FullName, "state"));

    private string NewRootfs()
    {
        var rootfs = Directory.CreateDirectory(Path.Join(_dir.FullName, "rootfs-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        foreach (var dir in (string[])["bin", "proc", "dev", "sys", "tmp"])
        {
            Directory.CreateDirectory(Path.Join(rootfs, dir));
        }

        Populate(rootfs);
        return rootfs;
    }

    private ContainerSpec Spec(string script, string? rootfs = null) => new()
    {
        Id = Prefix + Guid.NewGuid().ToString("N")[..12],
        Rootfs = rootfs ?? NewRootfs(),
        BundleDir = Directory.CreateDirectory(Path.Join(_dir.FullName, "bundle-" + Guid.NewGuid().ToString("N")[..8])).FullName,
        Process = new StepProcess { Args = ["/bin/sh", "-c", script], Env = ["PATH=/bin"], Network = NetworkMode.None },
    };

    private async Task<(int Exit, List<OutputLine> Output)> RunAsync(ContainerSpec spec)
    {
        var output = new List<OutputLine>();
        var exit = await Runtime.RunAsync(spec, output.Add, Token);
        return (exit, output);
    }

    private static List<string> Lines(List<OutputLine> output, OutputChannel channel) =>
        [.. output.Where(l => l.Channel == channel).Select(l => l.Text)];

    [Fact]
    public async Task The_exit_code_of_the_process_comes_back()
    {
        Assert.Equal(0, (await RunAsync(Spec("exit 0"))).Exit);
        Assert.Equal(3, (await RunAsync(Spec("echo failing; exit 3"))).Exit);
    }

    [Fact]
    public async Task Stdout_and_stderr_are_captured_each_in_order_and_told_apart()
    {
        var (exit, output) = await RunAsync(Spec("echo one; echo two >&2; echo three; echo four >&2; echo five"));

        Assert.Equal(0, exit);
        Assert.Equal(["one", "three", "five"], Lines(output, OutputChannel.Stdout));
        Assert.Equal(["two", "four"], Lines(output, OutputChannel.Stderr));
    }

    [Fact]
    public async Task The_environment_working_directory_and_user_are_applied()
    {
        var spec = Spec("echo $GREETING; pwd; id -u; id -g");
        spec = spec with { Process = spec.Process with { Env = ["PATH=/bin", "GREETING=hello there"], WorkingDir = "/tmp", Uid = 65534, Gid = 65533 } };

        var (exit, output) = await RunAsync(spec);

        Assert.True(exit == 0, string.Join('\n', output));
        Assert.Equal(["hello there", "/tmp", "65534", "65533"], Lines(output, OutputChannel.Stdout));
    }

    [Fact]
    public async Task A_read_only_root_filesystem_refuses_writes_and_a_writable_one_takes_them()
    {
        var rootfs = NewRootfs();

        var (refused, _) = await RunAsync(Spec("touch /refused", rootfs) with { ReadonlyRootfs = true });
        var (taken, output) = await RunAsync(Spec("touch /taken", rootfs));

        Assert.NotEqual(0, refused);
        Assert.False(File.Exists(Path.Join(rootfs, "refused")));
        Assert.True(taken == 0, string.Join('\n', output));
        Assert.True(File.Exists(Path.Join(rootfs, "taken")));
    }

    [Fact]
    public async Task A_finished_run_leaves_no_container()
    {
        await RunAsync(Spec("exit 1"));

        Assert.Empty(Runtime.Containers(Prefix));
    }

    [Fact]
    public async Task Deleting_a_container_that_does_not_exist_is_not_an_error()
    {
        Assert.True(await Runtime.DeleteAsync(Prefix + "missing", Token));
        Assert.Empty(Runtime.Containers(Prefix));
    }

    [Fact]
    public async Task Cancelling_a_run_kills_the_process_and_leaves_no_container()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var spec = Spec("echo started; sleep 600; echo finished");
        var output = new List<OutputLine>();

        var run = Runtime.RunAsync(spec, line =>
        {
            output.Add(line);
            if (line.Text == "started")
            {
                cancel.Cancel();
            }
        }, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(Runtime.Containers(Prefix));
        Assert.DoesNotContain(output, l => l.Text == "finished");
    }

    /// <summary>Starts a container whose script prints <c>started</c> first; returns once it has, with the run.</summary>
    private async Task<(ContainerSpec Spec, Task<int> Run)> StartAsync(string script)
    {
        var spec = Spec("echo started; " + script);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Runtime.RunAsync(spec, line =>
        {
            if (line.Text == "started")
            {
                started.TrySetResult();
            }
        }, Token);
        await Task.WhenAny(started.Task, run).WaitAsync(TimeSpan.FromMinutes(2), Token);
        Assert.True(started.Task.IsCompleted, "the container did not start: " + (run.IsCompleted ? "exit " + run.Result : "no output"));
        return (spec, run);
    }

    private async Task EndAsync(ContainerSpec spec, Task<int> run)
    {
        await Runtime.KillAsync(spec.Id, 9, CancellationToken.None);
        await Runtime.DeleteAsync(spec.Id, CancellationToken.None);
        try
        {
            await run.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task Stdin_is_copied_into_the_process_and_then_closed()
    {
        using var stdin = new MemoryStream("first line\nsecond line\n"u8.ToArray());

        var (exit, output) = await RunAsync(Spec("cat; echo done") with { Stdin = stdin });

        Assert.True(exit == 0, string.Join('\n', output));
        Assert.Equal(["first line", "second line", "done"], Lines(output, OutputChannel.Stdout));
    }

    [Fact]
    public async Task Exec_runs_a_process_in_a_running_container_with_its_own_environment_directory_and_user()
    {
        var (spec, run) = await StartAsync("sleep 600");
        try
        {
            var output = new List<OutputLine>();
            var exit = await Runtime.ExecAsync(spec.Id, new StepProcess
            {
                Args = ["/bin/sh", "-c", "echo $GREETING; pwd; id -u; id -g; echo oops >&2; exit 3"],
                Env = ["PATH=/bin", "GREETING=from exec"],
                WorkingDir = "/tmp",
                Uid = 65534,
                Gid = 65533,
            }, output.Add, Token);

            Assert.Equal(3, exit);
            Assert.Equal(["from exec", "/tmp", "65534", "65533"], Lines(output, OutputChannel.Stdout));
            Assert.Equal(["oops"], Lines(output, OutputChannel.Stderr));
            Assert.Equal("running", (await Runtime.StateAsync(spec.Id, Token))?.Status);
        }
        finally
        {
            await EndAsync(spec, run);
        }
    }

    [Fact]
    public async Task Cancelling_an_exec_kills_that_process_and_not_the_container()
    {
        var (spec, run) = await StartAsync("sleep 600");
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var output = new List<OutputLine>();
            var exec = Runtime.ExecAsync(spec.Id, new StepProcess { Args = ["/bin/sh", "-c", "echo begun; sleep 600; echo finished"], Env = ["PATH=/bin"] }, line =>
            {
                output.Add(line);
                if (line.Text == "begun")
                {
                    cancel.Cancel();
                }
            }, cancel.Token);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exec);
            Assert.DoesNotContain(output, l => l.Text == "finished");
            Assert.Equal("running", (await Runtime.StateAsync(spec.Id, Token))?.Status);
            Assert.False(run.IsCompleted);
        }
        finally
        {
            await EndAsync(spec, run);
        }
    }

    [Fact]
    public async Task A_running_container_has_a_state_with_its_pid_and_killing_it_ends_its_run_with_128_plus_the_signal()
    {
        var (spec, run) = await StartAsync("sleep 600");
        try
        {
            var state = await Runtime.StateAsync(spec.Id, Token);
            Assert.Equal("running", state?.Status);
            Assert.True(state?.Pid > 0);

            Assert.True(await Runtime.KillAsync(spec.Id, 9, Token));

            Assert.Equal(137, await run.WaitAsync(TimeSpan.FromMinutes(1), Token));
            Assert.Null(await Runtime.StateAsync(spec.Id, Token));
        }
        finally
        {
            await EndAsync(spec, run);
        }
    }

    [Fact]
    public async Task A_container_that_is_not_there_has_no_state_and_cannot_be_killed()
    {
        Assert.Null(await Runtime.StateAsync(Prefix + "missing", Token));
        Assert.False(await Runtime.KillAsync(Prefix + "missing", 9, Token));
    }

    [Fact]
    public async Task A_bound_host_directory_takes_writes_unless_bound_read_only()
    {
        var writable = Directory.CreateDirectory(Path.Join(_dir.FullName, "bind-rw")).FullName;
        var readOnly = Directory.CreateDirectory(Path.Join(_dir.FullName, "bind-ro")).FullName;

        var (exit, output) = await RunAsync(Spec("touch /data/written; touch /config/refused; echo $?") with
        {
            Mounts = [MountSpec.Bind(writable, "/data", readOnly: false), MountSpec.Bind(readOnly, "/config", readOnly: true)],
        });

        Assert.True(exit == 0, string.Join('\n', output));
        Assert.True(File.Exists(Path.Join(writable, "written")));
        Assert.False(File.Exists(Path.Join(readOnly, "refused")));
        Assert.Equal(["1"], Lines(output, OutputChannel.Stdout));
    }
}
