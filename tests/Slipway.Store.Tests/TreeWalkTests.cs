using Slipway.Store.Snapshots;
using Slipway.Testing;

namespace Slipway.Store.Tests;

/// <summary>Issue 12 item 7: the size and removal walks over trees that come from images never follow a link nor
/// cross into another filesystem.</summary>
public sealed class TreeWalkTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-treewalk-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (string Tree, string Outside) Hostile()
    {
        var outside = Directory.CreateDirectory(Path.Join(_dir.FullName, "outside")).FullName;
        File.WriteAllBytes(Path.Join(outside, "big"), new byte[50_000]);
        var tree = Directory.CreateDirectory(Path.Join(_dir.FullName, "tree")).FullName;
        Directory.CreateDirectory(Path.Join(tree, "d"));
        File.CreateSymbolicLink(Path.Join(tree, "d", "a"), ".");
        File.CreateSymbolicLink(Path.Join(tree, "up"), "..");
        File.CreateSymbolicLink(Path.Join(tree, "out"), outside);
        File.CreateSymbolicLink(Path.Join(tree, "root"), "/");
        File.WriteAllBytes(Path.Join(tree, "d", "f"), new byte[300]);
        File.CreateSymbolicLink(Path.Join(tree, "file-link"), Path.Join(outside, "big"));
        return (tree, outside);
    }

    [Fact]
    public void Size_counts_the_tree_own_files_and_follows_no_link()
    {
        var (tree, _) = Hostile();
        Assert.Equal(300, TreeWalk.Size(tree, Ct));
    }

    [Fact]
    public void Delete_removes_links_as_links_and_leaves_their_targets()
    {
        var (tree, outside) = Hostile();
        TreeWalk.Delete(tree, Ct);
        Assert.False(Directory.Exists(tree));
        Assert.True(File.Exists(Path.Join(outside, "big")));
        Assert.True(Directory.Exists(_dir.FullName));
    }

    [Fact]
    public void DeleteContents_empties_the_directory_keeps_it_and_leaves_link_targets()
    {
        var (tree, outside) = Hostile();
        TreeWalk.DeleteContents(tree, Ct);
        Assert.True(Directory.Exists(tree));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tree));
        Assert.True(File.Exists(Path.Join(outside, "big")));

        // A writer that created the directory before it was emptied can still write into it.
        File.WriteAllText(Path.Join(tree, "record.json"), "{}");
    }

    [Fact]
    public void DeleteContents_of_a_link_unlinks_it_and_empties_nothing_behind_it()
    {
        var (_, outside) = Hostile();
        var link = Path.Join(_dir.FullName, "planted");
        File.CreateSymbolicLink(link, outside);
        TreeWalk.DeleteContents(link, Ct);
        Assert.False(File.Exists(link) || Directory.Exists(link));
        Assert.True(File.Exists(Path.Join(outside, "big")));
    }

    [Fact]
    public void A_tree_that_is_itself_a_link_is_removed_as_a_link()
    {
        var (_, outside) = Hostile();
        var link = Path.Join(_dir.FullName, "planted");
        File.CreateSymbolicLink(link, outside);
        Assert.Equal(0, TreeWalk.Size(link, Ct));
        TreeWalk.Delete(link, Ct);
        Assert.False(File.Exists(link) || Directory.Exists(link));
        Assert.True(File.Exists(Path.Join(outside, "big")));
    }

    [Fact]
    public void A_walk_asked_to_stop_throws_before_removing_anything()
    {
        var (tree, _) = Hostile();
        Assert.Throws<OperationCanceledException>(() => TreeWalk.Delete(tree, new CancellationToken(canceled: true)));
        Assert.True(File.Exists(Path.Join(tree, "d", "f")));
    }

    [Fact]
    public void Delete_refuses_to_go_into_a_mount_point_below_the_tree()
    {
        Capability.RequireRoot();
        var tree = Directory.CreateDirectory(Path.Join(_dir.FullName, "mounted")).FullName;
        var point = Directory.CreateDirectory(Path.Join(tree, "m")).FullName;
        OverlayMount.MountTmpfs(point);
        try
        {
            File.WriteAllText(Path.Join(point, "on-tmpfs"), "x");
            Assert.Equal(0, TreeWalk.Size(tree, Ct));
            var error = Assert.Throws<IOException>(() => TreeWalk.Delete(tree, Ct));
            Assert.Contains("mount point", error.Message, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Join(point, "on-tmpfs")));
        }
        finally
        {
            OverlayMount.Unmount(point);
        }
    }
}
