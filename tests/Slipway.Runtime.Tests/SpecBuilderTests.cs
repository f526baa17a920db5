using Slipway.Runtime.Network;
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
    public void The_default_network_joins_the_given_namespace_none_gets_an_empty_one_and_only_host_shares_the_hosts()
    {
        var joined = Assert.Single(SpecBuilder.Build(Step with { NetworkNamespace = "/run/netns/x" }, "/r").Linux.Namespaces, n => n.Type == "network");
        Assert.Equal("/run/netns/x", joined.Path);
        Assert.Null(Assert.Single(SpecBuilder.Build(Step, "/r").Linux.Namespaces, n => n.Type == "network").Path);
        Assert.Null(Assert.Single(SpecBuilder.Build(Step with { Network = NetworkMode.None, NetworkNamespace = "/run/netns/x" }, "/r").Linux.Namespaces, n => n.Type == "network").Path);
        Assert.DoesNotContain(SpecBuilder.Build(Step with { Network = NetworkMode.Host }, "/r").Linux.Namespaces, n => n.Type == "network");
    }

    [Fact]
    public void Pasta_is_told_to_map_nothing_to_the_hosts_loopback()
    {
        var args = PastaNetwork.Arguments("/run/netns/x", "/tmp/p.pid");
        Assert.Contains("--no-map-gw", args);
        foreach (var flag in (string[])["--tcp-ports", "--udp-ports", "--tcp-ns", "--udp-ns"])
        {
            Assert.Equal("none", args[args.ToList().IndexOf(flag) + 1]);
        }
    }

    [Fact]
    public void The_steps_resolv_conf_names_pastas_forwarder_and_keeps_the_hosts_search_domains()
    {
        Assert.Equal("search corp.example\nnameserver 10.0.2.3\n",
            PastaNetwork.ResolvConf("nameserver 127.0.0.53\nsearch corp.example\n"));
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

    [Fact]
    public void An_exec_process_gets_the_same_capabilities_and_rules_as_a_containers_first_process()
    {
        var step = Step with { Uid = 1000, Gid = 1000, AdditionalGids = [10], Terminal = true, Env = ["A=b"], WorkingDir = "/srv" };
        var container = SpecBuilder.Build(step, "/r").Process;

        var exec = SpecBuilder.Process(step);

        Assert.Equal(container.Capabilities!.Bounding, exec.Capabilities!.Bounding);
        Assert.Equal(container.Capabilities.Effective, exec.Capabilities.Effective);
        Assert.True(exec.NoNewPrivileges);
        Assert.True(exec.Terminal);
        Assert.Equal([10u], exec.User.AdditionalGids);
        Assert.Equal((1000u, 1000u, "/srv"), (exec.User.Uid, exec.User.Gid, exec.Cwd));
        Assert.Equal(["A=b"], exec.Env);
    }
}
