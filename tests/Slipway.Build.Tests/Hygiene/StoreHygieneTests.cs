using Slipway.Build.Engine;
using Slipway.Build.Hygiene;
using Slipway.Store;

namespace Slipway.Build.Tests.Hygiene;

/// <summary>Issue 12 item 7: prune followed links inside unpacked layers: it walked host directories through a
/// layer's link and ran without end on a <c>d/a -> .</c> loop, holding the store lock.</summary>
public sealed class StoreHygieneTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-hygiene-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A host directory outside the store, with a file that must survive.</summary>
    private string Outside()
    {
        var outside = Directory.CreateDirectory(Path.Join(_dir.FullName, "host")).FullName;
        File.WriteAllText(Path.Join(outside, "precious"), "not the store's");
        return outside;
    }

    [Fact]
    public async Task Prune_removes_a_snapshot_holding_a_self_loop_and_links_out_of_the_store_and_nothing_outside()
    {
        var store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);
        var outside = Outside();
        var fs = Directory.CreateDirectory(Path.Join(store.Layout.Snapshots, new string('a', 64), "fs")).FullName;
        Directory.CreateDirectory(Path.Join(fs, "d"));
        File.CreateSymbolicLink(Path.Join(fs, "d", "a"), ".");
        File.CreateSymbolicLink(Path.Join(fs, "host"), outside);
        File.CreateSymbolicLink(Path.Join(fs, "everything"), "/");
        File.WriteAllBytes(Path.Join(fs, "d", "file"), new byte[1000]);

        var result = await new StoreHygiene(store).PruneAsync(buildCache: true, Ct);

        Assert.Equal(1, result.Snapshots);
        Assert.Equal(1000, result.SnapshotBytes);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.Snapshots));
        Assert.True(File.Exists(Path.Join(outside, "precious")));
    }

    [Fact]
    public async Task Prune_all_removes_a_cache_mount_that_is_a_link_to_a_host_directory_as_a_link()
    {
        var store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);
        var outside = Outside();
        var mounts = Directory.CreateDirectory(Path.Join(store.Layout.Root, "cache-mounts")).FullName;
        var mount = Directory.CreateDirectory(Path.Join(mounts, new string('b', 64))).FullName;
        File.CreateSymbolicLink(Path.Join(mount, "host"), outside);
        File.CreateSymbolicLink(Path.Join(mount, "loop"), ".");

        var result = await new StoreHygiene(store).PruneAsync(buildCache: true, Ct);

        Assert.Equal(1, result.CacheMounts);
        Assert.Empty(Directory.EnumerateFileSystemEntries(mounts));
        Assert.True(File.Exists(Path.Join(outside, "precious")));
    }

    [Fact]
    public async Task A_prune_asked_to_stop_throws_and_the_next_prune_finishes_what_it_left()
    {
        var store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);
        var snapshot = Directory.CreateDirectory(Path.Join(store.Layout.Snapshots, new string('c', 64), "fs", "deep")).FullName;
        File.WriteAllText(Path.Join(snapshot, "f"), "x");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new StoreHygiene(store).PruneAsync(buildCache: true, new CancellationToken(canceled: true)));
        await new StoreHygiene(store).PruneAsync(buildCache: true, Ct);

        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.Snapshots));
    }
}
