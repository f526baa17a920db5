using Slipway.Runtime.Spec;
using Slipway.Testing;

namespace Slipway.Runtime.Tests;

/// <summary>What a real OCI runtime adds beyond the contract: namespaces. Runs real containers with the machine's
/// runtime on a busybox rootfs made from the host's busybox-static.</summary>
public sealed class OciRuntimeTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-oci-");

    public void Dispose() => _dir.Delete(true);

    private async Task<(int Exit, List<string> Output)> RunAsync(StepProcess step)
    {
        Capability.RequireRoot();
        var busybox = Capability.RequireTool("busybox");
        var candidates = RuntimeDetector.Detect(Environment.GetEnvironmentVariable("PATH"), RuntimeDetector.DetectCgroupLayout());
        var chosen = RuntimeDetector.Choose(candidates, null, out var error);
        Capability.Require(chosen is not null, error ?? "no runtime");

        var bundle = Directory.CreateDirectory(Path.Join(_dir.FullName, "bundle")).FullName;
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
        var spec = new ContainerSpec { Id = "t" + Guid.NewGuid().ToString("N")[..12], Rootfs = rootfs, BundleDir = bundle, Process = step };
        var exit = await runtime.RunAsync(spec, line => output.Add(line.Text), CancellationToken.None);
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
}
