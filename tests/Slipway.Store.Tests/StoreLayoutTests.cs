using Slipway.Testing;

namespace Slipway.Store.Tests;

/// <summary>Issue 12 item 9: a store root another user owned was accepted, and its layout's symlinks followed: with
/// <c>snapshots -> DIR</c> planted, prune removed DIR. Opening a store now refuses both, saying what to do.</summary>
public sealed class StoreLayoutTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-layout-");

    public void Dispose() => _dir.Delete(true);

    private string NewRoot()
    {
        var root = Path.Join(_dir.FullName, "root");
        LocalStore.Open(root, TimeProvider.System);
        return root;
    }

    [Fact]
    public void A_root_another_user_owns_is_refused_with_what_to_do()
    {
        Capability.RequireRoot();
        var root = NewRoot();
        Store.Layers.LayerNative.LChown(root, 65534, 65534);

        var error = Assert.Throws<UnsafeStoreException>(() => LocalStore.Open(root, TimeProvider.System));

        Assert.Contains("owned by uid 65534", error.Message, StringComparison.Ordinal);
        Assert.Contains("--root", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)]
    public void A_root_group_or_others_can_write_is_refused_and_not_silently_fixed(UnixFileMode mode)
    {
        var root = NewRoot();
        File.SetUnixFileMode(root, mode);

        var error = Assert.Throws<UnsafeStoreException>(() => LocalStore.Open(root, TimeProvider.System));

        Assert.Contains($"chmod 700 {root}", error.Message, StringComparison.Ordinal);
        Assert.Equal(mode, File.GetUnixFileMode(root));
    }

    [Theory]
    [InlineData("snapshots")]
    [InlineData("blobs")]
    [InlineData("cache-mounts")]
    [InlineData("tmp")]
    public void A_layout_directory_replaced_by_a_symlink_is_refused_and_its_target_left_alone(string entry)
    {
        var root = NewRoot();
        var outside = Directory.CreateDirectory(Path.Join(_dir.FullName, "precious")).FullName;
        File.WriteAllText(Path.Join(outside, "keep"), "mine");
        var path = Path.Join(root, entry);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        File.CreateSymbolicLink(path, outside);

        var error = Assert.Throws<UnsafeStoreException>(() => LocalStore.Open(root, TimeProvider.System));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Join(outside, "keep")));
    }

    [Fact]
    public void A_refs_file_that_is_a_symlink_is_refused()
    {
        var root = NewRoot();
        var outside = Path.Join(_dir.FullName, "elsewhere.json");
        File.WriteAllText(outside, """{"version":1,"refs":{}}""");
        File.CreateSymbolicLink(Path.Join(root, "refs.json"), outside);

        Assert.Throws<UnsafeStoreException>(() => LocalStore.Open(root, TimeProvider.System));
    }

    [Fact]
    public void A_root_that_is_a_symlink_to_a_directory_of_ours_is_accepted()
    {
        var real = Directory.CreateDirectory(Path.Join(_dir.FullName, "real"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        var link = Path.Join(_dir.FullName, "link");
        File.CreateSymbolicLink(link, real);

        var store = LocalStore.Open(link, TimeProvider.System);

        Assert.True(Directory.Exists(Path.Join(real, "blobs")));
        Assert.Equal(link, store.Layout.Root);
    }
}
