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
}
