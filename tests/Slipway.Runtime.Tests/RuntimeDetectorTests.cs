namespace Slipway.Runtime.Tests;

public class RuntimeDetectorTests
{
    private const string HybridMounts = """
        tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
        cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
        cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
        cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
        """;

    [Fact]
    public void A_v1_hierarchy_with_a_unified_mount_is_hybrid() =>
        Assert.Equal(CgroupLayout.Hybrid, RuntimeDetector.ParseCgroupLayout(HybridMounts));

    [Fact]
    public void Cgroup2_at_the_root_is_v2() =>
        Assert.Equal(CgroupLayout.V2, RuntimeDetector.ParseCgroupLayout("cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n"));

    [Fact]
    public void Only_v1_controllers_is_v1() =>
        Assert.Equal(CgroupLayout.V1, RuntimeDetector.ParseCgroupLayout("cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"));

    [Fact]
    public void Crun_is_refused_on_a_hybrid_layout_with_the_reason_and_runc_is_chosen()
    {
        var dir = Directory.CreateTempSubdirectory("slipway-rt-");
        try
        {
            File.WriteAllText(Path.Join(dir.FullName, "runc"), "");
            File.WriteAllText(Path.Join(dir.FullName, "crun"), "");
            var candidates = RuntimeDetector.Detect(dir.FullName, CgroupLayout.Hybrid);
            var crun = Assert.Single(candidates, c => c.Name == "crun");
            Assert.False(crun.Usable);
            Assert.Contains("hybrid cgroup layout", crun.Reason, StringComparison.Ordinal);
            Assert.Equal("runc", RuntimeDetector.Choose(candidates, null, out _)?.Name);
            Assert.Null(RuntimeDetector.Choose(candidates, "crun", out var error));
            Assert.Contains("crun cannot be used here", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void No_runtime_on_PATH_says_what_to_install()
    {
        var candidates = RuntimeDetector.Detect("/nonexistent", CgroupLayout.V2);
        Assert.Null(RuntimeDetector.Choose(candidates, null, out var error));
        Assert.Contains("install runc", error, StringComparison.Ordinal);
    }
}
