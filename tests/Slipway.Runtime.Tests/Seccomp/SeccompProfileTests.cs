using System.Text.Json;
using Slipway.Runtime.Seccomp;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime.Tests.Seccomp;

public class SeccompProfileTests
{
    private static readonly StepProcess Step = new() { Args = ["/bin/sh", "-c", "true"], Env = ["PATH=/bin"] };
    private static readonly Version Kernel = new(6, 1);

    private static SeccompSpec Resolve(string arch, params string[] caps) => SeccompProfile.Default.Resolve(arch, caps, Kernel);

    private static bool Allows(SeccompSpec spec, string name) =>
        spec.Syscalls.Any(s => s.Names.Contains(name) && s.Action == "SCMP_ACT_ALLOW" && s.Args is null);

    [Fact]
    public void A_default_step_gets_the_seccomp_filter_and_an_insecure_one_does_not()
    {
        Assert.NotNull(SpecBuilder.Build(Step, "/r").Linux.Seccomp);
        Assert.Null(SpecBuilder.Build(Step with { Insecure = true }, "/r").Linux.Seccomp);
    }

    [Fact]
    public void The_filter_refuses_what_it_does_not_list_with_EPERM()
    {
        var spec = Resolve("amd64", [.. SpecBuilder.DefaultCapabilities]);

        Assert.Equal("SCMP_ACT_ERRNO", spec.DefaultAction);
        Assert.Equal(1u, spec.DefaultErrnoRet);
        Assert.True(Allows(spec, "read"));
        Assert.True(Allows(spec, "execve"));
        Assert.True(Allows(spec, "chroot"));
        Assert.False(Allows(spec, "unshare"));
        Assert.False(Allows(spec, "mount"));
        Assert.False(Allows(spec, "keyctl"));
        Assert.DoesNotContain(spec.Syscalls, s => s.Names.Contains("kexec_load"));
    }

    [Fact]
    public void Amd64_covers_x86_and_x32_and_arm64_covers_arm()
    {
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], Resolve("amd64").Architectures);
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], Resolve("arm64").Architectures);
        Assert.True(Allows(Resolve("amd64"), "arch_prctl"));
        Assert.False(Allows(Resolve("arm64"), "arch_prctl"));
        Assert.True(Allows(Resolve("arm64"), "set_tls"));
    }

    [Fact]
    public void Without_CAP_SYS_ADMIN_clone_is_checked_for_namespace_flags_and_clone3_falls_back_with_ENOSYS()
    {
        var spec = Resolve("amd64", [.. SpecBuilder.DefaultCapabilities]);

        var clone = Assert.Single(spec.Syscalls, s => s.Names.Contains("clone"));
        var arg = Assert.Single(clone.Args!);
        Assert.Equal(("SCMP_CMP_MASKED_EQ", 0u, 0x7E020000ul), (arg.Op, arg.Index, arg.Value));
        var clone3 = Assert.Single(spec.Syscalls, s => s.Names.Contains("clone3"));
        Assert.Equal(("SCMP_ACT_ERRNO", (uint?)38u), (clone3.Action, clone3.ErrnoRet));
    }

    [Fact]
    public void With_CAP_SYS_ADMIN_its_system_calls_are_allowed_outright()
    {
        var spec = Resolve("amd64", [.. SpecBuilder.DefaultCapabilities, "CAP_SYS_ADMIN"]);

        Assert.True(Allows(spec, "mount"));
        Assert.True(Allows(spec, "unshare"));
        Assert.True(Allows(spec, "clone"));
        Assert.DoesNotContain(spec.Syscalls, s => s.Names.Contains("clone3") && s.Action == "SCMP_ACT_ERRNO");
    }

    [Fact]
    public void Personality_is_allowed_for_each_listed_value_as_its_own_rule()
    {
        var personality = Resolve("amd64").Syscalls.Where(s => s.Names.SequenceEqual(["personality"])).ToList();

        Assert.Equal([0ul, 8ul, 0x20000ul, 0x20008ul, 0xFFFFFFFFul], personality.Select(p => Assert.Single(p.Args!).Value));
    }

    [Fact]
    public void Rules_that_need_a_newer_kernel_are_left_out_on_an_older_one()
    {
        Assert.True(Allows(SeccompProfile.Default.Resolve("amd64", [], new Version(5, 10)), "process_vm_readv"));
        Assert.False(Allows(SeccompProfile.Default.Resolve("amd64", [], new Version(4, 4)), "process_vm_readv"));
    }

    [Fact]
    public void The_spec_carries_the_filter_under_linux_seccomp_in_the_OCI_wire_names()
    {
        var json = JsonSerializer.Serialize(SpecBuilder.Build(Step, "/r"), RuntimeSpecJsonContext.Default.RuntimeSpec);
        using var document = JsonDocument.Parse(json);
        var seccomp = document.RootElement.GetProperty("linux").GetProperty("seccomp");

        Assert.Equal("SCMP_ACT_ERRNO", seccomp.GetProperty("defaultAction").GetString());
        Assert.Equal(1, seccomp.GetProperty("defaultErrnoRet").GetInt32());
        Assert.True(seccomp.GetProperty("syscalls").GetArrayLength() > 10);
    }
}
