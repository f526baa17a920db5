using Slipway.Build.Engine;
using Slipway.Runtime;
using Slipway.Store;

namespace Slipway.Build.Hygiene;

/// <summary>What killed builds left in a store: their step workspaces under <c>tmp/</c>, the mounts and network
/// namespaces of those steps, and their containers under <c>runtime/</c>. Only what a dead process owned is
/// touched: a live workspace holds its lock. <paramref name="runtimes"/> delete containers; <paramref name="network"/>
/// removes RUN networks (without it they stay).</summary>
internal sealed class AbandonedWork(StoreLayout layout, IReadOnlyList<IContainerRuntime> runtimes, Runtime.Network.NetworkTools? network, TimeProvider time)
{
    private string TmpDir => layout.Tmp;

    /// <summary>What a killed process (kill -9, a crash, a lost terminal) left of its steps: each workspace under
    /// <c>tmp/</c> whose lock can be taken is dead. Its container is force-deleted through its runtime, then every
    /// mount under it is detached (lazily: nothing can be using it), then its files go. Containers under
    /// <c>runtime/</c> whose workspace is gone or dead go too. A workspace of an older Slipway (no lock file) is
    /// reclaimed once it is an hour old.</summary>
    public async Task<int> ReclaimAsync(CancellationToken cancellationToken)
    {
        await RemoveAbandonedContainersAsync(cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(TmpDir))
        {
            return 0;
        }

        var reclaimed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(TmpDir).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stat = Store.Layers.LayerNative.LStat(entry);
            var name = Path.GetFileName(entry);
            if (stat is not { IsDirectory: true })
            {
                // A lock whose workspace is gone, or one that was being created when its process died.
                var orphan = name.EndsWith(".lock", StringComparison.Ordinal) ? !Directory.Exists(entry[..^".lock".Length])
                    : name.StartsWith('.') && File.GetLastWriteTimeUtc(entry) < time.GetUtcNow().UtcDateTime.AddMinutes(-1);
                if (orphan && StoreLock.TryAcquireExisting(entry, out var stale))
                {
                    using (stale)
                    {
                        File.Delete(entry);
                    }
                }

                continue;
            }

            var lockPath = Workspace.LockPath(entry);
            StoreLock? owner = null;
            if (File.Exists(lockPath) ? !StoreLock.TryAcquireExisting(lockPath, out owner) : Directory.GetLastWriteTimeUtc(entry) > time.GetUtcNow().UtcDateTime.AddHours(-1))
            {
                continue;
            }

            using (owner)
            {
                // A container still there may still run on this workspace's mounts: they stay until it is gone.
                if (!await DeleteContainerAsync(Workspace.ContainerPrefix + name).ConfigureAwait(false))
                {
                    continue;
                }

                if (network is { } tools)
                {
                    Runtime.Network.PastaNetwork.Reclaim(tools, layout.NetworkState, Workspace.ContainerPrefix + name);
                }

                foreach (var mount in Store.Snapshots.OverlayMount.MountsUnder(entry))
                {
                    Store.Snapshots.OverlayMount.Unmount(mount);
                }

                TreeWalk.Delete(entry, cancellationToken);
                File.Delete(lockPath);
            }

            reclaimed++;
        }

        return reclaimed;
    }

    /// <summary>Containers named after a workspace (<c>slipway-&lt;id&gt;</c>) whose workspace lock is free or gone.</summary>
    private async Task RemoveAbandonedContainersAsync(CancellationToken cancellationToken)
    {
        foreach (var runtime in runtimes)
        {
            foreach (var container in runtime.Containers(Workspace.ContainerPrefix))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var lockPath = Workspace.LockPath(Path.Join(TmpDir, container[Workspace.ContainerPrefix.Length..]));
                StoreLock? owner = null;
                if (File.Exists(lockPath) && !StoreLock.TryAcquireExisting(lockPath, out owner))
                {
                    continue;
                }

                using (owner)
                {
                    _ = await runtime.DeleteAsync(container, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Force-deletes a container (killing what still runs in it) in every runtime. False when one is left:
    /// it would not go, or a runtime this prune cannot drive (its state is in the store, its binary is not on PATH)
    /// may hold it.</summary>
    private async Task<bool> DeleteContainerAsync(string containerId)
    {
        var gone = true;
        foreach (var runtime in runtimes)
        {
            gone &= await runtime.DeleteAsync(containerId, CancellationToken.None).ConfigureAwait(false);
        }

        if (Directory.Exists(layout.Runtimes))
        {
            foreach (var stateRoot in Directory.EnumerateDirectories(layout.Runtimes))
            {
                var name = Path.GetFileName(stateRoot);
                gone &= runtimes.Any(r => r.Name == name) || !Directory.Exists(Path.Join(stateRoot, containerId));
            }
        }

        return gone;
    }
}
