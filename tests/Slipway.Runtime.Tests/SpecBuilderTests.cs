using Slipway.Runtime.Spec;

namespace Slipway.Runtime.Tests;

public class SpecBuilderTests
{
    private static readonly StepProcess Step = new() { Args = ["/bin/sh", "-c", "true"], Env = ["PATH=/bin"] };

    [Fact]
    public void The_default_step_gets_Dockers_capabilities_and_no_new_privileges()
    {
        var spec = SpecBuilder.Build(Step, "/rootfs");
        Assert.Equal(SpecBuilder.DefaultCapabilities, spec.Process.Capabilities!.Bounding);
        Assert.DoesNotContain("CAP_SYS_ADMIN", spec.Process.Capabilities.Effective);
        Assert.True(spec.Process.NoNewPrivileges);
        Assert.Contains("/proc/kcore", spec.Linux.MaskedPaths!);
        Assert.Contains("/proc/sys", spec.Linux.ReadonlyPaths!);
    }

    [Fact]
    public void The_default_network_is_the_hosts_and_none_gets_its_own_namespace()
    {
        Assert.DoesNotContain(SpecBuilder.Build(Step, "/r").Linux.Namespaces, n => n.Type == "network");
        Assert.Contains(SpecBuilder.Build(Step with { Network = NetworkMode.None }, "/r").Linux.Namespaces, n => n.Type == "network");
    }

    [Fact]
    public void Insecure_steps_get_all_capabilities_and_nothing_masked()
    {
        var spec = SpecBuilder.Build(Step with { Insecure = true }, "/r");
        Assert.Contains("CAP_SYS_ADMIN", spec.Process.Capabilities!.Bounding);
        Assert.Null(spec.Linux.MaskedPaths);
        Assert.False(spec.Process.NoNewPrivileges);
    }

    [Fact]
    public void Insecure_capabilities_are_those_of_the_bounding_set_without_a_missing_one()
    {
        // Bit 24 (CAP_SYS_RESOURCE) cleared, as in a container that dropped it.
        var caps = SpecBuilder.CapabilitiesInMask(0x000001fffeffffff);
        Assert.DoesNotContain("CAP_SYS_RESOURCE", caps);
        Assert.Contains("CAP_SYS_ADMIN", caps);
        Assert.Contains("CAP_CHECKPOINT_RESTORE", caps);
        Assert.Equal(40, caps.Count);
    }

    [Fact]
    public void Fresh_proc_dev_and_sys_are_mounted()
    {
        var destinations = SpecBuilder.Build(Step, "/r").Mounts.Select(m => m.Destination).ToList();
        Assert.Equal(["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"], destinations);
    }
}
