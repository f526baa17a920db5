using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Store.Tests.Snapshots;

public sealed class OverlayMountTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-overlay-");

    public void Dispose() => _dir.Delete(true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Join(_dir.FullName, name)).FullName;

    [Fact]
    public void Writes_land_in_the_upper_dir_and_deletions_become_whiteouts()
    {
        Capability.RequireRoot();
        var lower1 = Dir("l1");
        var lower2 = Dir("l2");
        File.WriteAllText(Path.Join(lower1, "a"), "from l1");
        File.WriteAllText(Path.Join(lower2, "a"), "from l2");
        File.WriteAllText(Path.Join(lower2, "b"), "b");
        var upper = Dir("upper");
        var target = Dir("merged");
        OverlayMount.Mount([lower1, lower2], upper, Dir("work"), target);
        try
        {
            Assert.Equal("from l1", File.ReadAllText(Path.Join(target, "a")));
            File.WriteAllText(Path.Join(target, "c"), "new");
            File.Delete(Path.Join(target, "b"));
        }
        finally
        {
            OverlayMount.Unmount(target);
        }

        Assert.Equal("new", File.ReadAllText(Path.Join(upper, "c")));
        Assert.True(File.Exists(Path.Join(lower2, "b")));
        Assert.Equal(0, new FileInfo(Path.Join(upper, "b")).Length);
        Assert.False(File.Exists(Path.Join(target, "c")));
    }

    [Fact]
    public void More_lower_dirs_than_fit_in_one_page_still_mount()
    {
        Capability.RequireRoot();
        var lowers = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var lower = Dir($"layer-with-a-long-name-to-exceed-the-page-size-limit-{i:D3}");
            File.WriteAllText(Path.Join(lower, $"f{i}"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            lowers.Add(lower);
        }

        var target = Dir("merged");
        OverlayMount.Mount(lowers, Dir("upper"), Dir("work"), target);
        try
        {
            Assert.Equal(60, Directory.GetFiles(target).Length);
        }
        finally
        {
            OverlayMount.Unmount(target);
        }
    }

    [Fact]
    public void A_single_read_only_lower_is_a_read_only_bind()
    {
        Capability.RequireRoot();
        var lower = Dir("l");
        File.WriteAllText(Path.Join(lower, "a"), "a");
        var target = Dir("merged");
        OverlayMount.Mount([lower], null, null, target);
        try
        {
            Assert.Equal("a", File.ReadAllText(Path.Join(target, "a")));
            Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Join(target, "b"), "b"));
        }
        finally
        {
            OverlayMount.Unmount(target);
        }
    }

    [Fact]
    public void Mount_points_under_a_directory_are_read_from_mountinfo_deepest_first_with_escapes_decoded()
    {
        const string mountinfo = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            90 22 0:50 / /var/lib/slip\040way/tmp/ab/merged rw,relatime - overlay overlay rw,lowerdir=/x
            91 90 0:51 / /var/lib/slip\040way/tmp/ab/secrets rw - tmpfs tmpfs rw
            92 22 0:52 / /var/lib/slip\040way/tmp/ab/bind0-from/root ro - overlay overlay ro
            93 22 0:53 / /var/lib/slip\040way/tmp/abc rw - tmpfs tmpfs rw
            """;

        var found = OverlayMount.MountPointsUnder(mountinfo, "/var/lib/slip way/tmp/ab");

        Assert.Equal(["/var/lib/slip way/tmp/ab/bind0-from/root", "/var/lib/slip way/tmp/ab/secrets", "/var/lib/slip way/tmp/ab/merged"], found);
    }

    [Fact]
    public void The_mounts_a_test_makes_show_up_under_its_directory()
    {
        Capability.RequireRoot();
        var target = Dir("tmpfs");
        OverlayMount.MountTmpfs(target);
        try
        {
            Assert.Equal([target], OverlayMount.MountsUnder(_dir.FullName));
        }
        finally
        {
            OverlayMount.Unmount(target);
        }

        Assert.Empty(OverlayMount.MountsUnder(_dir.FullName));
    }
}
