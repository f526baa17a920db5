using Slipway.Oci;
using Slipway.Runtime.Emulation;

namespace Slipway.Runtime.Tests.Emulation;

public sealed class EmulatorsTests : IDisposable
{
    private const string AArch64Magic = "7f454c460201010000000000000000000200b700";
    private const string AArch64Mask = "ffffffffffffff00fffffffffffffffffeffffff";
    private const string ArmMagic = "7f454c460101010000000000000000000200280000";
    private const string S390xMagic = "7f454c46020201000000000000000000000200160000";
    private const string RiscV64Magic = "7f454c460201010000000000000000000200f300";

    private static readonly Platform Amd64 = Platform.Linux("amd64");
    private static readonly HashSet<string> NoFlags = [];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-binfmt-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void The_hosts_own_platform_always_runs_without_reading_binfmt_misc()
    {
        Assert.True(Emulators.IsHost(Platform.Host));
        Assert.Null(Emulators.CannotRun(Platform.Host));
        Assert.False(Emulators.IsHost(Platform.Linux(Platform.Host.Architecture == "s390x" ? "ppc64le" : "s390x")));
    }

    [Fact]
    public void An_enabled_qemu_handler_with_the_F_flag_makes_its_platform_runnable()
    {
        Mounted();
        Handler("qemu-aarch64", AArch64Magic, AArch64Mask, "POF");
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);

        var emulated = Assert.Single(report.Emulated);
        Assert.Equal(Platform.Linux("arm64"), emulated.Platform);
        Assert.Equal("/usr/libexec/qemu-binfmt/qemu-aarch64-binfmt-P", emulated.Interpreter);
        Assert.True(emulated.FixBinary);
        Assert.Null(report.Problem);
        Assert.Null(report.CannotRun(Platform.Parse("linux/arm64/v8")));
    }

    [Fact]
    public void A_handler_without_the_F_flag_is_listed_but_cannot_run_containers_and_says_why()
    {
        Mounted();
        Handler("qemu-aarch64", AArch64Magic, AArch64Mask, "P");
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);

        Assert.False(Assert.Single(report.Emulated).FixBinary);
        var why = report.CannotRun(Platform.Parse("linux/arm64"));
        Assert.NotNull(why);
        Assert.Contains("linux/arm64", why, StringComparison.Ordinal);
        Assert.Contains("without the F flag", why, StringComparison.Ordinal);
        Assert.Contains("inside every image", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_handler_counts_for_nothing()
    {
        Mounted();
        Handler("qemu-aarch64", AArch64Magic, AArch64Mask, "POF", enabled: false);
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);

        Assert.Empty(report.Emulated);
        Assert.Contains("apt-get install qemu-user-static", report.CannotRun(Platform.Linux("arm64")), StringComparison.Ordinal);
    }

    [Fact]
    public void Magic_is_read_as_an_ELF_header_for_each_known_machine_and_other_handlers_are_ignored()
    {
        Mounted();
        Handler("qemu-arm", ArmMagic, "", "OCF");
        Handler("qemu-s390x", S390xMagic, "", "F");
        Handler("qemu-riscv64", RiscV64Magic, "", "F");
        Handler("qemu-xtensa", "7f454c4601010100000000000000000002005e00", "", "F");
        Handler("python3.11", "a70d0d0a", "", "");
        File.WriteAllText(Path.Join(_dir.FullName, "llvm"), "enabled\ninterpreter /usr/bin/lli\nflags: \nextension .bc\n");
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);

        Assert.Equal(
            ["linux/arm/v7", "linux/arm/v6", "linux/riscv64", "linux/s390x"],
            report.Emulated.Select(e => e.Platform.ToString()));
    }

    [Fact]
    public void A_handler_for_a_native_platform_is_not_listed_as_emulated()
    {
        Mounted();
        Handler("qemu-x86_64", "7f454c4602010100000000000000000002003e00", "", "F");
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);

        Assert.Empty(report.Emulated);
        Assert.Null(report.CannotRun(Amd64));
    }

    [Fact]
    public void Without_binfmt_misc_mounted_the_problem_says_how_to_mount_it()
    {
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);

        Assert.Contains("binfmt_misc is not mounted", report.Problem, StringComparison.Ordinal);
        Assert.Contains("mount -t binfmt_misc", report.CannotRun(Platform.Linux("arm64")), StringComparison.Ordinal);
    }

    [Fact]
    public void Amd64_runs_386_and_the_micro_architecture_levels_its_CPU_flags_reach()
    {
        HashSet<string> v2 = ["cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"];
        var report = Emulators.Detect(_dir.FullName, Amd64, v2, null);

        Assert.Equal(["linux/amd64", "linux/amd64/v2", "linux/386"], report.Native.Select(p => p.ToString()));
        Assert.Null(report.CannotRun(Platform.Parse("386")));
        Assert.Contains("CPU lacks the instructions", report.CannotRun(Platform.Parse("linux/amd64/v3")), StringComparison.Ordinal);
    }

    [Fact]
    public void Arm64_runs_32_bit_arm_only_when_the_kernel_has_compat()
    {
        var arm64 = Platform.Linux("arm64");
        Assert.Equal(["linux/arm64", "linux/arm/v7", "linux/arm/v6"],
            Emulators.Detect(_dir.FullName, arm64, NoFlags, true).Native.Select(p => p.ToString()));
        var without = Emulators.Detect(_dir.FullName, arm64, NoFlags, false);
        Assert.Equal(["linux/arm64"], without.Native.Select(p => p.ToString()));
        Assert.NotNull(without.CannotRun(Platform.Parse("linux/arm/v7")));
    }

    [Fact]
    public void Only_linux_runs_here()
    {
        var report = Emulators.Detect(_dir.FullName, Amd64, NoFlags, null);
        Assert.Contains("only linux", report.CannotRun(Platform.Parse("windows/amd64")), StringComparison.Ordinal);
    }

    private void Mounted() => File.WriteAllText(Path.Join(_dir.FullName, "status"), "enabled\n");

    private void Handler(string name, string magic, string mask, string flags, bool enabled = true)
    {
        var text = $"{(enabled ? "enabled" : "disabled")}\ninterpreter /usr/libexec/qemu-binfmt/{name}-binfmt-P\n" +
            $"flags: {flags}\noffset 0\nmagic {magic}\n" + (mask.Length > 0 ? $"mask {mask}\n" : string.Empty);
        File.WriteAllText(Path.Join(_dir.FullName, name), text);
    }
}
