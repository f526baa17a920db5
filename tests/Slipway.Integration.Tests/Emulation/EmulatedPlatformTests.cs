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
    public async Task A_RUN_in_an_arm64_stage_runs_emulated_and_the_image_is_arm64()
    {
        Require();
        var context = Directory.CreateDirectory(Path.Join(_temp.Path, "arm64")).FullName;
        await File.WriteAllTextAsync(Path.Join(context, "Dockerfile"),
            "FROM --platform=linux/arm64 busybox:1.35\nRUN uname -m > /arch\n", TestContext.Current.CancellationToken);

        await Runner.OkAsync("build", "--progress", "plain", "-t", "emulated:arm64", context);
        var inspect = await Runner.OkAsync("inspect", "emulated:arm64");
        var arch = await Runner.OkAsync("run", "--rm", "emulated:arm64", "cat", "/arch");

        using var doc = JsonDocument.Parse(inspect.Output);
        Assert.Equal("arm64", doc.RootElement[0].GetProperty("Architecture").GetString());
        Assert.Equal("aarch64", arch.Output.Trim());
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
