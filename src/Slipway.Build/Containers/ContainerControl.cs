using Slipway.Build.Engine;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Containers;

/// <summary>What <c>kill</c>, <c>stop</c>, <c>rm</c> and <c>container prune</c> do to containers another process
/// supervises: signals go straight to the OCI runtime, and the supervisor records the end. A container whose
/// supervisor died (<c>kill -9</c>) is cleaned here instead: its runtime container killed and deleted, its network
/// namespace and pasta gone, its workspace's mounts detached and removed.</summary>
public sealed class ContainerControl(LocalStore store, ContainerStore containers, Func<ContainerRecord, IContainerRuntime> runtimeFor)
{
    public const int SigKill = 9;

    /// <summary>What removes a dead container's network namespace and pasta.</summary>
    public NetworkTools? Network { get; init; }

    /// <summary>How long <c>rm -f</c> and <c>stop</c> wait for the supervisor after SIGKILL.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(30);

    private TimeProvider Time => store.Time;

    /// <summary>Running, with a live supervisor to record its end.</summary>
    public bool IsRunning(StoredContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return container.State.IsRunning && containers.IsSupervisorAlive(container.Id);
    }

    /// <summary>Sends <paramref name="signal"/> to the container's process; false when it is not running.</summary>
    public async Task<bool> KillAsync(StoredContainer container, int signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (!IsRunning(container) || container.State.RuntimeId is not { } runtimeId)
        {
            return false;
        }

        return await runtimeFor(container.Record).KillAsync(runtimeId, signal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>docker stop</c>: <paramref name="signal"/>, then SIGKILL when the container is still running
    /// after <paramref name="timeout"/>; returns once its end is recorded. A stopped container is left as it is.</summary>
    public async Task StopAsync(StoredContainer container, int signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (!container.State.IsRunning)
        {
            return;
        }

        if (!containers.IsSupervisorAlive(container.Id))
        {
            await ReclaimAsync(container, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await KillAsync(container, signal, cancellationToken).ConfigureAwait(false)
            && await WaitForEndAsync(container.Id, timeout, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await KillAsync(container, SigKill, cancellationToken).ConfigureAwait(false);
        await WaitForEndAsync(container.Id, KillGrace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>docker rm</c>: a running container only with <paramref name="force"/> (killed first); its files,
    /// what a dead supervisor left, and its hold on its image go.</summary>
    public async Task RemoveAsync(StoredContainer container, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (IsRunning(container))
        {
            if (!force)
            {
                throw new ContainerException($"cannot remove container \"/{container.Name}\": container is running: stop the container before removing or force remove");
            }

            await KillAsync(container, SigKill, cancellationToken).ConfigureAwait(false);
            await WaitForEndAsync(container.Id, KillGrace, cancellationToken).ConfigureAwait(false);
        }

        await RemoveStoppedAsync(container, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>docker container prune</c>: every container that is not running; their ids and the bytes freed.</summary>
    public async Task<(IReadOnlyList<string> Removed, long Bytes)> PruneAsync(Func<StoredContainer, bool> selected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var removed = new List<string>();
        long bytes = 0;
        foreach (var container in await containers.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (IsRunning(container) || !selected(container))
            {
                continue;
            }

            var size = TreeWalk.Size(store.Layout.ContainerDir(container.Id), cancellationToken);
            if (await RemoveStoppedAsync(container, cancellationToken).ConfigureAwait(false))
            {
                removed.Add(container.Id);
                bytes += size;
            }
        }

        return (removed, bytes);
    }

    /// <summary>Removes a container nothing supervises; false when it was gone already (an <c>--rm</c> container
    /// removes itself).</summary>
    private async Task<bool> RemoveStoppedAsync(StoredContainer container, CancellationToken cancellationToken)
    {
        if (containers.IsSupervisorAlive(container.Id))
        {
            // It ended, but its supervisor is still tearing down; it removes an --rm container itself.
            await WaitForSupervisorAsync(container.Id, KillGrace, cancellationToken).ConfigureAwait(false);
        }

        await ReclaimAsync(container, cancellationToken).ConfigureAwait(false);
        try
        {
            await containers.RemoveAsync(container.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerException) when (!Directory.Exists(store.Layout.ContainerDir(container.Id)))
        {
            return false;
        }
        finally
        {
            await new ImageStore(store).ReleaseForContainerAsync(container.Id, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Cleans what a dead supervisor left: the runtime's container (killed and deleted), its network, its
    /// workspace; a state still saying running becomes exited with SIGKILL's status. Nothing to do after a clean end.</summary>
    public async Task ReclaimAsync(StoredContainer container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.State.RuntimeId is not { } runtimeId || containers.IsSupervisorAlive(container.Id))
        {
            return;
        }

        _ = await runtimeFor(container.Record).DeleteAsync(runtimeId, cancellationToken).ConfigureAwait(false);
        if (Network is { } tools)
        {
            var pasta = ReadPid(Path.Join(store.Layout.NetworkState, runtimeId + ".pid"));
            PastaNetwork.Reclaim(tools, store.Layout.NetworkState, runtimeId);
            // Killed, but its published ports are free only once it is gone: rm -f promises them free.
            await WaitForExitAsync(pasta, cancellationToken).ConfigureAwait(false);
        }

        if (runtimeId.StartsWith(Workspace.ContainerPrefix, StringComparison.Ordinal))
        {
            var dir = Path.Join(store.Layout.Tmp, runtimeId[Workspace.ContainerPrefix.Length..]);
            var lockPath = Workspace.LockPath(dir);
            if (File.Exists(lockPath) && StoreLock.TryAcquireExisting(lockPath, out var owner))
            {
                using (owner)
                {
                    foreach (var mount in OverlayMount.MountsUnder(dir))
                    {
                        OverlayMount.Unmount(mount);
                    }

                    TreeWalk.Delete(dir, cancellationToken);
                    File.Delete(lockPath);
                }
            }
        }

        if (container.State.IsRunning)
        {
            var now = Time.GetUtcNow();
            await containers.UpdateStateAsync(container.Id, s => s.IsRunning
                ? s with { Status = ContainerState.Exited, ExitCode = ContainerExit.Killed, Pid = 0, FinishedAt = now, Error = ContainerState.SupervisorGone }
                : s, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task WaitForExitAsync(int? pid, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        while (pid is { } alive && Directory.Exists($"/proc/{alive}") && Time.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the state no longer says running (or the container is gone, or nobody supervises it).</summary>
    private async Task<bool> WaitForEndAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        while (true)
        {
            var current = (await containers.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Id == id);
            if (current is null || !current.State.IsRunning || !containers.IsSupervisorAlive(id))
            {
                return true;
            }

            if (Time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitForSupervisorAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        while (containers.IsSupervisorAlive(id) && Time.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
