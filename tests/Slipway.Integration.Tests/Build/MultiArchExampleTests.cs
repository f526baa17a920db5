using Slipway.Integration.Tests.Fixtures;
using Slipway.Testing;

namespace Slipway.Integration.Tests.Build;

/// <summary>examples/multi-arch built for linux/amd64 and linux/arm64: the final stage's RUN executes in each
/// target's own Debian (the arm64 one emulated on an amd64 machine), so each image records its own architecture,
/// while the <c>--platform=$BUILDPLATFORM</c> stage ran natively for both.</summary>
public sealed class MultiArchExampleTests(DebianMultiPlatformStore store) : IClassFixture<DebianMultiPlatformStore>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Built_for_amd64_and_arm64_into_an_oci_layout_each_image_holds_the_uname_and_dpkg_architecture_its_RUN_saw()
    {
        store.Require();
        RequireArm64();
        using var temp = new TempDirectory();
        var archive = Path.Join(temp.Path, "multi-arch.tar");

        await store.Runner.OkAsync("build", "--progress", "plain", "--platform", "linux/amd64,linux/arm64",
            "-o", $"type=oci,dest={archive}", BuildStore.Example("multi-arch"));

        var layout = await OciImages.UntarAsync(archive, temp.Path, Ct);
        var images = await OciImages.ManifestsAsync(layout, Ct);
        Assert.Equal(["linux/amd64", "linux/arm64"], images.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("x86_64\namd64\n", await OciImages.ReadFileAsync(layout, images["linux/amd64"], "etc/built-on", Ct));
        Assert.Equal("aarch64\narm64\n", await OciImages.ReadFileAsync(layout, images["linux/arm64"], "etc/built-on", Ct));
        var host = $"linux/{Slipway.Oci.Platform.Host.Architecture}";
        Assert.Equal($"built on {host} for linux/arm64\n",
            await OciImages.ReadFileAsync(layout, images["linux/arm64"], "etc/build-info", Ct));
        Assert.Equal($"built on {host} for linux/amd64\n",
            await OciImages.ReadFileAsync(layout, images["linux/amd64"], "etc/build-info", Ct));
    }

    /// <summary>arm64 programs run here natively or through a binfmt_misc handler with the F flag (which works in
    /// a container's root that lacks the emulator); scripts/setup registers it.</summary>
    internal static void RequireArm64()
    {
        const string handler = "/proc/sys/fs/binfmt_misc/qemu-aarch64";
        var native = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture
            == System.Runtime.InteropServices.Architecture.Arm64;
        var emulated = File.Exists(handler) && File.ReadAllLines(handler) is var lines
            && lines.Contains("enabled", StringComparer.Ordinal)
            && lines.Any(l => l.StartsWith("flags:", StringComparison.Ordinal) && l.Contains('F', StringComparison.Ordinal));
        Capability.Require(native || emulated, "needs arm64 programs to run: qemu-aarch64 registered in binfmt_misc with the F flag (scripts/setup)");
    }
}
