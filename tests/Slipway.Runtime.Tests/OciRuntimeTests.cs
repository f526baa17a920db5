using Slipway.Runtime.Spec;
using Slipway.Testing;

namespace Slipway.Runtime.Tests;

/// <summary>What a real OCI runtime adds beyond the contract: namespaces. Runs real containers with the machine's
/// runtime on a busybox rootfs made from the host's busybox-static.</summary>
public sealed class OciRuntimeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-oci-");

    public void Dispose() => _dir.Delete(true);

    private async Task<(int Exit, List<string> Output)> RunAsync(StepProcess step, bool inheritStdio = false, Func<OciRuntime, string, Task>? whileRunning = null)
    {
        Capability.RequireRoot();
        var busybox = Capability.RequireTool("busybox");
        var candidates = RuntimeDetector.Detect(Environment.GetEnvironmentVariable("PATH"), RuntimeDetector.DetectCgroupLayout());
        var chosen = RuntimeDetector.Choose(candidates, null, out var error);
        Capability.Require(chosen is not null, error ?? "no runtime");

        var bundle = Directory.CreateDirectory(Path.Join(_dir.FullName, "bundle-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var rootfs = Path.Join(bundle, "rootfs");
        Directory.CreateDirectory(Path.Join(rootfs, "bin"));
        foreach (var d in (string[])["proc", "dev", "sys", "tmp"])
        {
            Directory.CreateDirectory(Path.Join(rootfs, d));
        }

        File.Copy(busybox, Path.Join(rootfs, "bin", "busybox"));
        File.CreateSymbolicLink(Path.Join(rootfs, "bin", "sh"), "busybox");
        var runtime = new OciRuntime(chosen!.Path!, Path.Join(_dir.FullName, "state"));
        var output = new List<string>();
        var spec = new ContainerSpec { Id = "t" + Guid.NewGuid().ToString("N")[..12], Rootfs = rootfs, BundleDir = bundle, Process = step, InheritStdio = inheritStdio };
        var started = new TaskCompletionSource();
        var run = runtime.RunAsync(spec, line =>
        {
            output.Add(line.Text);
            started.TrySetResult();
        }, CancellationToken.None);
        if (whileRunning is not null)
        {
            try
            {
                await Task.WhenAny(started.Task, run).WaitAsync(TimeSpan.FromMinutes(1));
                await whileRunning(runtime, spec.Id);
            }
            finally
            {
                await runtime.DeleteAsync(spec.Id, CancellationToken.None);
            }
        }

        var exit = await run;
        return (exit, output);
    }

    [Fact]
    public async Task The_process_is_pid_one()
    {
        var (exit, output) = await RunAsync(new StepProcess
        {
            Args = ["/bin/busybox", "sh", "-c", "echo pid=$$"],
            Env = ["PATH=/bin"],
        });
        Assert.True(exit == 0, string.Join("\n", output));
        Assert.Contains("pid=1", output);
    }

    [Fact]
    public async Task Network_none_leaves_only_loopback()
    {
        var (exit, output) = await RunAsync(new StepProcess
        {
            Args = ["/bin/busybox", "sh", "-c", "/bin/busybox ls /sys/class/net"],
            Env = ["PATH=/bin"],
            Network = NetworkMode.None,
        });
        Assert.True(exit == 0, string.Join("\n", output));
        Assert.Equal(["lo"], output);
    }

    [Fact]
    public async Task With_the_callers_stdio_a_run_and_an_exec_give_their_exit_codes()
    {
        // The test host's stdio is no terminal (process.terminal needs one: runc relays the pseudo-terminal to it).
        var (exit, output) = await RunAsync(new StepProcess
        {
            Args = ["/bin/busybox", "sh", "-c", "test -t 0 || exit 7"],
            Env = ["PATH=/bin"],
        }, inheritStdio: true);
        Assert.Equal(7, exit);
        Assert.Empty(output);

        int? execExit = null;
        await RunAsync(new StepProcess { Args = ["/bin/busybox", "sh", "-c", "echo up; exec /bin/busybox sleep 600"], Env = ["PATH=/bin"] },
            whileRunning: async (runtime, id) => execExit = await runtime.ExecInteractiveAsync(id, new StepProcess
            {
                Args = ["/bin/busybox", "sh", "-c", "exit 8"],
                Env = ["PATH=/bin"],
            }, tty: false, CancellationToken.None));
        Assert.Equal(8, execExit);
    }
}
