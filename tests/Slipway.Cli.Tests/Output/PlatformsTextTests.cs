using Slipway.Cli.Output;
using Slipway.Oci;
using Slipway.Runtime.Emulation;

namespace Slipway.Cli.Tests.Output;

public class PlatformsTextTests
{
    [Fact]
    public void Native_and_emulated_platforms_are_listed_and_the_missing_common_ones_say_how_to_enable_them()
    {
        var report = new EmulationReport(
            [Platform.Linux("amd64"), Platform.Linux("386")],
            [new EmulatedPlatform(Platform.Linux("arm64"), "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", true),
             new EmulatedPlatform(Platform.Linux("s390x"), "/usr/bin/qemu-s390x", false)],
            null);
        var output = new StringWriter();
        PlatformsText.Write(output, report);

        Assert.Equal("""
            Platforms:
              linux/amd64      native
              linux/386        native
              linux/arm64      emulated: /usr/libexec/qemu-binfmt/aarch64-binfmt-P
              linux/s390x      emulated without the F flag (not in containers): /usr/bin/qemu-s390x
              linux/arm/v7     missing
              linux/arm/v6     missing
              linux/ppc64le    missing
              linux/riscv64    missing
              To run the missing ones: apt-get install qemu-user-static, then register its handlers as
              root (scripts/setup does both; or docker run --privileged --rm tonistiigi/binfmt --install all)

            """, output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Unmounted_binfmt_misc_is_named_as_the_problem()
    {
        var output = new StringWriter();
        PlatformsText.Write(output, new EmulationReport([Platform.Linux("amd64")], [], "binfmt_misc is not mounted at /x"));

        Assert.Contains("  binfmt_misc is not mounted at /x\n", output.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
