using System.Net;
using Slipway.Runtime.Spec;

namespace Slipway.Runtime.Tests.Spec;

/// <summary>buildx's <c>--shm-size</c>, <c>--ulimit</c>, <c>--cgroup-parent</c> and <c>--add-host</c> as they land in a
/// RUN's config.json and /etc/hosts.</summary>
public sealed class StepLimitsTests
{
    private static readonly StepProcess Step = new() { Args = ["/bin/sh", "-c", "true"] };

    private static MountSpec Shm(RuntimeSpec spec) => spec.Mounts.Single(m => m.Destination == "/dev/shm");

    [Fact]
    public void Without_limits_the_spec_is_dockers_default()
    {
        var spec = SpecBuilder.Build(Step, "/r", containerId: "slipway-1");
        Assert.Contains("size=65536k", Shm(spec).Options!);
        Assert.Null(spec.Process.Rlimits);
        Assert.Null(spec.Linux.CgroupsPath);
    }

    [Fact]
    public void Shm_size_sizes_dev_shm_in_bytes()
    {
        var spec = SpecBuilder.Build(Step with { Limits = new StepLimits { ShmSize = 128L * 1024 * 1024 } }, "/r");
        Assert.Equal(["nosuid", "noexec", "nodev", "mode=1777", "size=134217728"], Shm(spec).Options!);
    }

    [Fact]
    public void Ulimits_become_rlimits_with_minus_one_unlimited()
    {
        var limits = new StepLimits { Ulimits = [new Ulimit("nofile", 1024, 2048), new Ulimit("core", -1, -1)] };
        var rlimits = SpecBuilder.Build(Step with { Limits = limits }, "/r").Process.Rlimits!;
        Assert.Equal([("RLIMIT_NOFILE", 1024ul, 2048ul), ("RLIMIT_CORE", ulong.MaxValue, ulong.MaxValue)],
            rlimits.Select(r => (r.Type, r.Soft, r.Hard)));
    }

    [Theory]
    [InlineData("builds", "/builds/buildkit/slipway-1")]
    [InlineData("/a/b/", "/a/b/buildkit/slipway-1")]
    [InlineData("system.slice:slipway:", "system.slice:slipway:slipway-1")]
    [InlineData("my.slice", "/my.slice/buildkit/slipway-1")]
    public void Cgroup_parent_makes_the_cgroups_path_as_buildkit_does(string parent, string path)
    {
        var spec = SpecBuilder.Build(Step with { Limits = new StepLimits { CgroupParent = parent } }, "/r", containerId: "slipway-1");
        Assert.Equal(path, spec.Linux.CgroupsPath);
    }

    [Theory]
    [InlineData("nofile=1024", "nofile", 1024L, 1024L)]
    [InlineData("nofile=1024:4096", "nofile", 1024L, 4096L)]
    [InlineData("stack=-1", "stack", -1L, -1L)]
    [InlineData("nproc=10:-1", "nproc", 10L, -1L)]
    public void A_ulimit_is_type_soft_and_optional_hard(string value, string name, long soft, long hard)
    {
        Assert.True(Ulimit.TryParse(value, out var ulimit, out _));
        Assert.Equal(new Ulimit(name, soft, hard), ulimit);
    }

    [Fact]
    public void The_hosts_file_has_localhost_the_sandbox_then_each_extra_host_in_order()
    {
        var text = HostEntry.HostsFile("buildkitsandbox",
            [new HostEntry("db", IPAddress.Parse("10.0.0.5")), new HostEntry("v6", IPAddress.Parse("2001:db8:0:0::1"))]);
        Assert.Equal("127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n10.0.0.5\tdb\n2001:db8::1\tv6\n", text);
    }

    [Theory]
    [InlineData("a:1.2.3")]
    [InlineData("a=1")]
    [InlineData("a=fe80::1%eth0")]
    [InlineData(":1.2.3.4")]
    public void An_address_go_would_not_parse_is_refused(string value) =>
        Assert.False(HostEntry.TryParse([value], out _, out _));
}
