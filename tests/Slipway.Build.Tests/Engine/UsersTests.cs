using Slipway.Build.Engine;
using Slipway.Store.Layers;
using Slipway.Testing;

namespace Slipway.Build.Tests.Engine;

/// <summary>USER and --chown names are looked up in the image's own passwd and group files, which a hostile base
/// can make a FIFO, a device or a huge file.</summary>
public sealed class UsersTests : IDisposable
{
    private const uint Fifo = 0x1000 | 0x1A4;
    private const uint CharDevice = 0x2000 | 0x1A4;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("slipway-users-");

    public UsersTests() => Directory.CreateDirectory(Path.Join(_root.FullName, "etc"));

    public void Dispose() => _root.Delete(true);

    private string Etc(string name) => Path.Join(_root.FullName, "etc", name);

    [Fact]
    public void A_name_is_resolved_through_the_images_passwd_and_group()
    {
        File.WriteAllText(Etc("passwd"), "root:x:0:0::/root:/bin/sh\r\n# comment\napp:x:1000:1001::/home/app:/bin/sh\n");
        File.WriteAllText(Etc("group"), "root:x:0:\nstaff:x:50:\n");
        Assert.Equal(new Users.Identity(1000, 1001, []), Users.Resolve("app", _root.FullName));
        Assert.Equal(new Users.Identity(1000, 50, []), Users.Resolve("app:staff", _root.FullName, forChown: true));
    }

    [Theory]
    [InlineData("missinguser", 0u, 0u)]
    [InlineData("missinguser:staff", 0u, 50u)]
    [InlineData("app:missinggroup", 1000u, 1001u)]
    [InlineData("1000:missinggroup", 1000u, 1000u)]
    [InlineData("root", 0u, 0u)]
    [InlineData("root:root", 0u, 0u)]
    public void A_chown_name_the_image_lacks_is_0_or_the_users_group_without_an_error_as_BuildKits_file_op_resolves_it(string spec, uint uid, uint gid)
    {
        File.WriteAllText(Etc("passwd"), "app:x:1000:1001::/home/app:/bin/sh\n");
        File.WriteAllText(Etc("group"), "staff:x:50:\n");
        Assert.Equal(new Users.Identity(uid, gid, []), Users.Resolve(spec, _root.FullName, forChown: true));
    }

    [Fact]
    public void A_USER_name_the_image_lacks_fails_as_runcs_lookup_says_it()
    {
        File.WriteAllText(Etc("passwd"), "app:x:1000:1001::/home/app:/bin/sh\n");
        var error = Assert.Throws<BuildException>(() => Users.Resolve("missinguser", _root.FullName));
        Assert.Equal("unable to find user missinguser: no matching entries in passwd file", error.Message);
    }

    [Fact]
    public void A_passwd_that_is_a_fifo_is_refused_instead_of_waiting_for_a_writer()
    {
        LayerNative.MkNod(Etc("passwd"), Fifo, 0, 0);
        var error = Assert.Throws<BuildException>(() => Users.Resolve("app", _root.FullName, forChown: true));
        Assert.Equal("unable to read /etc/passwd of the image to resolve a user or group: it is not a regular file", error.Message);
    }

    [Fact]
    public void A_group_reached_through_a_link_to_a_fifo_is_refused()
    {
        File.WriteAllText(Etc("passwd"), "app:x:1000:1000::/:/bin/sh\n");
        LayerNative.MkNod(Path.Join(_root.FullName, "pipe"), Fifo, 0, 0);
        File.CreateSymbolicLink(Etc("group"), "/pipe");
        var error = Assert.Throws<BuildException>(() => Users.Resolve("app:staff", _root.FullName, forChown: true));
        Assert.Contains("/etc/group of the image", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("it is not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_passwd_linked_to_a_device_in_the_image_is_refused()
    {
        Capability.RequireRoot();
        Directory.CreateDirectory(Path.Join(_root.FullName, "dev"));
        LayerNative.MkNod(Path.Join(_root.FullName, "dev", "zero"), CharDevice, 1, 5);
        File.CreateSymbolicLink(Etc("passwd"), "/dev/zero");
        var error = Assert.Throws<BuildException>(() => Users.Resolve("app", _root.FullName));
        Assert.EndsWith("it is not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_out_of_the_root_stays_inside_it()
    {
        // /dev/zero on the host is never reached: the link is resolved inside the image's root, where nothing is.
        File.CreateSymbolicLink(Etc("passwd"), "/dev/zero");
        var error = Assert.Throws<BuildException>(() => Users.Resolve("app", _root.FullName));
        Assert.Equal("unable to find user app: no matching entries in passwd file", error.Message);
    }

    [Fact]
    public void A_passwd_over_one_mebibyte_is_refused()
    {
        using (var file = File.Create(Etc("passwd")))
        {
            file.SetLength(Users.MaxTableBytes + 1);
        }

        var error = Assert.Throws<BuildException>(() => Users.Resolve("app", _root.FullName));
        Assert.Equal("unable to read /etc/passwd of the image to resolve a user or group: it is larger than 1 MiB", error.Message);
    }

    [Fact]
    public void A_numeric_user_still_reads_passwd_for_its_group()
    {
        File.WriteAllText(Etc("passwd"), "app:x:1000:1001::/:/bin/sh\n");
        Assert.Equal(new Users.Identity(1000, 1001, []), Users.Resolve("1000", _root.FullName));
    }

    [Fact]
    public void Chown_to_a_name_takes_its_primary_group_and_chown_to_a_number_is_its_own_group()
    {
        File.WriteAllText(Etc("passwd"), "app:x:1000:1001::/:/bin/sh\n");
        Assert.Equal(new Users.Identity(1000, 1001, []), Users.Resolve("app", _root.FullName, forChown: true));
        Assert.Equal(new Users.Identity(1000, 1000, []), Users.Resolve("1000", _root.FullName, forChown: true));
        Assert.Equal(new Users.Identity(1000, 50, []), Users.Resolve("1000:50", _root.FullName, forChown: true));
    }

    [Fact]
    public void A_user_without_a_group_also_gets_the_groups_that_list_it_as_a_member()
    {
        File.WriteAllText(Etc("passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/:/bin/sh\n");
        File.WriteAllText(Etc("group"), "root:x:0:\nwheel:x:10:root,app\naudio:x:29:app\nstaff:x:50:other\napp:x:1001:\n");

        Assert.Equal([10u, 29u], Users.Resolve("app", _root.FullName).AdditionalGids);
        Assert.Equal([10u, 29u], Users.Resolve("1000", _root.FullName).AdditionalGids);
        Assert.Equal([10u], Users.Resolve("root", _root.FullName).AdditionalGids);
        // An explicit group, --chown, and a uid passwd does not know take none (runc's rules).
        Assert.Empty(Users.Resolve("app:staff", _root.FullName).AdditionalGids);
        Assert.Empty(Users.Resolve("app", _root.FullName, forChown: true).AdditionalGids);
        Assert.Empty(Users.Resolve("4242", _root.FullName).AdditionalGids);
    }
}
