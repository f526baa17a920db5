using System.Text.Json;
using Slipway.Integration.Tests.Build;
using Slipway.Integration.Tests.Fixtures;
using Slipway.Oci;
using Slipway.Runtime.Emulation;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Emulation;

/// <summary>Other architectures through binfmt_misc and qemu-user-static, with the real runc, overlayfs and our
/// seccomp profile: a RUN step and a container of busybox:1.35's linux/arm64 image (Debian's arm64 busybox).</summary>
public sealed class EmulatedPlatformTests(BusyboxMultiPlatformStore store) : IClassFixture<BusyboxMultiPlatformStore>, IDisposable
{
    private readonly TempDirectory _temp = new();

    private SlipwayRunner Runner => store.Runner;

    public void Dispose() => _temp.Dispose();

    /// <summary>The build and run here need arm64 programs to run: natively or through a handler with the F flag
    /// (scripts/setup registers Debian's).</summary>
    private void Require()
    {
        store.Require();
        var why = Emulators.Detect().CannotRun(Platform.Linux("arm64"));
        Capability.Require(why is null, why ?? "");
    }

    [Fact]
    public async Task A_RUN_built_for_linux_arm64_runs_emulated_and_the_image_is_arm64()
    {
        Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "arm64")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM busybox:1.35\nRUN uname -m > /arch\n",
            TestContext.Current.CancellationToken);

        await Runner.OkAsync("build", "--progress", "plain", "--platform", "linux/arm64", "-t", "emulated:arm64", context);
        var inspect = await Runner.OkAsync("inspect", "emulated:arm64");
        var arch = await Runner.OkAsync("run", "--rm", "--platform", "linux/arm64", "emulated:arm64", "cat", "/arch");

        using var doc = JsonDocument.Parse(inspect.Output);
        Assert.Equal("arm64", doc.RootElement[0].GetProperty("Architecture").GetString());
        Assert.Equal("aarch64", arch.Output.Trim());
    }

    [Fact]
    public async Task A_RUN_for_a_platform_no_emulator_runs_fails_before_the_build_starts_saying_what_to_install()
    {
        store.Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "mips")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"), "FROM busybox:1.35\nRUN true\n", TestContext.Current.CancellationToken);

        // Slipway maps no binfmt_misc handler to mips64le, so this platform never runs here.
        var build = await Runner.RunAsync("build", "--progress", "plain", "--platform", "linux/mips64le", context);
        var run = await Runner.RunAsync("run", "--rm", "--platform", "linux/mips64le", "busybox:1.35", "true");

        Assert.Equal(1, build.Exit);
        Assert.Contains("Dockerfile:2: RUN in stage stage-0 needs linux/mips64le, which this machine cannot run: no binfmt_misc handler for linux/mips64le", build.Error, StringComparison.Ordinal);
        Assert.Contains("apt-get install qemu-user-static", build.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("#2 [", build.Error + build.Output, StringComparison.Ordinal);
        Assert.Equal(125, run.Exit);
        Assert.Contains("linux/mips64le cannot run on this machine", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_platform_linux_arm64_picks_the_arm64_image_of_the_index_and_runs_it_emulated()
    {
        Require();

        var arm64 = await Runner.OkAsync("run", "--rm", "--platform", "linux/arm64", "busybox:1.35", "uname", "-m");
        var host = await Runner.OkAsync("run", "--rm", "busybox:1.35", "uname", "-m");

        Assert.Equal("aarch64", arm64.Output.Trim());
        Assert.Equal(Platform.Host.Architecture == "amd64" ? "x86_64" : "aarch64", host.Output.Trim());
    }

    [Fact]
    public async Task Size_and_sbom_platform_pick_one_platform_of_the_index()
    {
        store.Require();

        var arm64 = JsonDocument.Parse((await Runner.OkAsync("size", "--platform", "linux/arm64", "--format", "json", "busybox:1.35")).Output).RootElement;
        var host = JsonDocument.Parse((await Runner.OkAsync("size", "--format", "json", "busybox:1.35")).Output).RootElement;
        var missing = await Runner.RunAsync("sbom", "--platform", "linux/s390x", "busybox:1.35");

        Assert.NotEqual(arm64.GetProperty("id").GetString(), host.GetProperty("id").GetString());
        Assert.Equal(0, (await Runner.RunAsync("sbom", "--platform", "linux/arm64", "busybox:1.35")).Exit);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("linux/s390x", missing.Error, StringComparison.Ordinal);
    }
}
