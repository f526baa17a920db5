using Slipway.Build.Engine;
using Slipway.Build.Hygiene;
using Slipway.Store;
using Slipway.Testing;

namespace Slipway.Build.Tests.Hygiene;

/// <summary>What prune reclaims of killed builds, with the container runtime faked: a dead workspace and its
/// container go; a live one, and a dead one whose container sits in a runtime prune cannot drive, stay.</summary>
public sealed class AbandonedWorkTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("slipway-abandoned-");

    public void Dispose() => _dir.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A workspace a killed process left: its directory, and its lock file that nobody holds.</summary>
    private static string Dead(StoreLayout layout)
    {
        var dir = Directory.CreateDirectory(layout.NewTmpPath()).FullName;
        File.WriteAllText(Path.Join(dir, "scratch"), "left behind");
        File.WriteAllText(Workspace.LockPath(dir), "");
        return dir;
    }

    private static string ContainerOf(string dir) => Workspace.ContainerPrefix + Path.GetFileName(dir);

    [Fact]
    public async Task Prune_deletes_a_dead_workspaces_container_and_files_and_leaves_a_live_one()
    {
        var store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);
        var runtime = new FakeContainerRuntime();
        var dead = Dead(store.Layout);
        runtime.Leave(ContainerOf(dead));
        using var live = new Workspace(store.Layout);
        runtime.Leave(live.ContainerId);

        var result = await new StoreHygiene(store) { Runtimes = [runtime] }.PruneAsync(buildCache: false, Ct);

        Assert.Equal(1, result.AbandonedWorkspaces);
        Assert.False(Directory.Exists(dead));
        Assert.False(File.Exists(Workspace.LockPath(dead)));
        Assert.Equal([live.ContainerId], runtime.Containers(Workspace.ContainerPrefix));
        Assert.True(Directory.Exists(live.Dir));
    }

    [Fact]
    public async Task A_dead_workspace_whose_container_is_in_a_runtime_prune_cannot_drive_stays_with_its_files()
    {
        var store = LocalStore.Open(Path.Join(_dir.FullName, "root"), TimeProvider.System);
        var dead = Dead(store.Layout);
        // Another runtime's state holds the container (its binary is not on PATH this time): it may still run on
        // the workspace's mounts.
        Directory.CreateDirectory(Path.Join(store.Layout.RuntimeState("crun"), ContainerOf(dead)));

        var result = await new StoreHygiene(store) { Runtimes = [new FakeContainerRuntime()] }.PruneAsync(buildCache: false, Ct);

        Assert.Equal(0, result.AbandonedWorkspaces);
        Assert.True(File.Exists(Path.Join(dead, "scratch")));
    }
}
