using System.Text.RegularExpressions;
using Slipway.Build.Engine;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Runtime.Spec;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Containers;

/// <summary>Owns one container for its life, as conmon does for podman: holds its <c>supervisor.lock</c>, a lease on
/// its image's blobs and a <see cref="Workspace"/> (so a prune leaves its mounts alone), prepares its root filesystem,
/// network and <c>/etc</c> files, runs it writing every output line to <c>container.log</c>, runs its health check,
/// records its start and its end in <c>state.json</c>, tears everything down and, with <c>--rm</c>, removes it.
/// <c>slipway run -d</c> runs this in a detached process of its own; a foreground <c>run</c> runs it in-process.</summary>
public sealed partial class ContainerSupervisor(LocalStore store, ContainerStore containers, ISnapshotter snapshotter, IContainerRuntime runtime)
{
    /// <summary>What connects a <c>bridge</c> container outward and publishes its ports.</summary>
    public NetworkTools? Network { get; init; }

    /// <summary>The process's stdin (<c>run -i</c> in the foreground); null closes it at once.</summary>
    public Stream? Stdin { get; init; }

    /// <summary>The container uses the caller's own stdin, stdout and stderr (a foreground <c>run -it</c>).</summary>
    public bool InheritStdio { get; init; }

    /// <summary>Each output line besides the log: a foreground <c>run</c> prints them.</summary>
    public Action<OutputLine>? Echo { get; init; }

    /// <summary>Called once, when the container runs or could not be started: a detached <c>run</c> is told through
    /// state.json instead.</summary>
    public Action<ContainerState>? Started { get; init; }

    /// <summary>The process recorded as the supervisor.</summary>
    public int ProcessId { get; init; } = Environment.ProcessId;

    /// <summary>The host's resolver configuration, the base of a <c>bridge</c> container's.</summary>
    public string HostResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>Runs the container to its end; the state recorded last (exited, or created with an error when it
    /// could not start, as docker leaves such a container).</summary>
    public async Task<ContainerState> RunAsync(string id, CancellationToken cancellationToken)
    {
        var record = (await containers.FindAsync(id, cancellationToken).ConfigureAwait(false)).Record;
        if (!containers.TryHoldSupervisor(record.Id, out var held))
        {
            throw new ContainerException($"cannot start container {record.ShortId}: another process supervises it");
        }

        using (held)
        {
            ContainerState final;
            try
            {
                final = await SuperviseAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Oci.SlipwayException or InvalidOperationException or IOException)
            {
                final = await RecordFailureAsync(record.Id, ex.Message, ContainerExit.StartFailed).ConfigureAwait(false);
            }

            if (record.AutoRemove)
            {
                await containers.RemoveAsync(record.Id, CancellationToken.None).ConfigureAwait(false);
                await new ImageStore(store).ReleaseForContainerAsync(record.Id, CancellationToken.None).ConfigureAwait(false);
            }

            return final;
        }
    }

    private async Task<ContainerState> SuperviseAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        var images = new ImageStore(store);
        var manifest = images.ContainerImage(record.Id)
            ?? throw new ContainerException($"the image of container {record.ShortId} ({record.Image}) is no longer in the store");
        var image = await images.LoadAsync(manifest, cancellationToken).ConfigureAwait(false);
        using var lease = store.CreateLease([manifest.Digest, image.Id, .. image.Manifest.Layers.Select(l => l.Digest), .. image.Config.RootFs.DiffIds]);
        using var workspace = new Workspace(store.Layout);
        await containers.UpdateStateAsync(record.Id, s => s with { SupervisorPid = ProcessId, RuntimeId = workspace.ContainerId, Error = "" }, cancellationToken)
            .ConfigureAwait(false);
        IActiveSnapshot rootfs;
        try
        {
            rootfs = await snapshotter.PrepareAsync(workspace.NewPath("rootfs"), image.Layers, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotException ex)
        {
            throw new ContainerException(ex.Message, ex);
        }

        using (rootfs)
        {
            var identity = Users.Resolve(record.Config.User, rootfs.Path);
            using var network = await StartNetworkAsync(record, workspace, cancellationToken).ConfigureAwait(false);
            var spec = new ContainerSpec
            {
                Id = workspace.ContainerId,
                Rootfs = rootfs.Path,
                BundleDir = workspace.Bundle,
                Process = new StepProcess
                {
                    Args = [record.Path, .. record.Args],
                    Env = [.. record.Config.Env ?? [StepState.DefaultPath], "HOSTNAME=" + record.Hostname],
                    WorkingDir = string.IsNullOrEmpty(record.Config.WorkingDir) ? "/" : record.Config.WorkingDir,
                    Uid = identity.Uid,
                    Gid = identity.Gid,
                    AdditionalGids = identity.AdditionalGids,
                    Network = record.NetworkMode switch
                    {
                        ContainerNetwork.Host => NetworkMode.Host,
                        ContainerNetwork.None => NetworkMode.None,
                        _ => NetworkMode.Default,
                    },
                    NetworkNamespace = network?.NamespacePath,
                    Hostname = record.Hostname,
                    Terminal = record.Tty && InheritStdio,
                },
                Mounts = [.. EtcFiles(record, workspace, network is not null), .. record.Binds.Select(Bind)],
                Stdin = Stdin,
                InheritStdio = InheritStdio,
            };
            return await RunContainerAsync(record, spec, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ContainerState> RunContainerAsync(ContainerRecord record, ContainerSpec spec, CancellationToken cancellationToken)
    {
        var runtimeErrors = new List<string>();
        using var log = Logs.JsonFileLog.Writer(containers.LogPath(record.Id));
        var run = runtime.RunAsync(spec, line =>
        {
            if (line.Channel == OutputChannel.Stderr && RuntimeError().Match(line.Text) is { Success: true } error)
            {
                // The runtime's own complaint (an executable not found), not the container's output.
                lock (runtimeErrors)
                {
                    runtimeErrors.Add(Regex.Unescape(error.Groups[1].Value));
                }

                return;
            }

            log.Write(line.Channel, line.Text, store.Time.GetUtcNow());
            Echo?.Invoke(line);
        }, cancellationToken);

        using var monitoring = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitor = Task.CompletedTask;
        RuntimeContainerState? started = null;
        Exception? waiting = null;
        try
        {
            started = await WaitUntilRunningAsync(run, spec.Id, cancellationToken).ConfigureAwait(false);
            if (started is not null)
            {
                var now = store.Time.GetUtcNow();
                // A container with a health check is "starting" from its first moment, as docker shows it.
                var health = ContainerHealth.ProbeArgs(record.Config.Healthcheck) is null ? null : Health.HealthState.Initial;
                var state = await containers.UpdateStateAsync(record.Id, s => s with { Status = ContainerState.Running, Pid = started.Pid, StartedAt = now, Health = health },
                    CancellationToken.None)
                    .ConfigureAwait(false);
                Started?.Invoke(state);
                monitor = new ContainerHealth(containers, runtime, record, spec, store.Time).RunAsync(now, monitoring.Token);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            waiting = ex;
        }

        // Whatever happened while waiting, the run is awaited before the log it writes to is closed.
        int? exit = null;
        try
        {
            exit = await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop (the supervisor's own termination): the runtime killed the container.
        }

        await monitoring.CancelAsync().ConfigureAwait(false);
        await monitor.ConfigureAwait(false);
        if (waiting is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(waiting);
        }

        if (exit is null)
        {
            await RecordExitAsync(record.Id, ContainerExit.Killed).ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }

        if (started is null && exit != 0 && runtimeErrors.Count > 0)
        {
            return await RecordFailureAsync(record.Id, runtimeErrors[^1], ContainerExit.ForStartError(runtimeErrors[^1])).ConfigureAwait(false);
        }

        return await RecordExitAsync(record.Id, exit.Value).ConfigureAwait(false);
    }

    /// <summary>Waits until the runtime reports the container's process running; null when the run ended first (the
    /// process exited at once, or never started).</summary>
    private async Task<RuntimeContainerState?> WaitUntilRunningAsync(Task<int> run, string runtimeId, CancellationToken cancellationToken)
    {
        while (!run.IsCompleted)
        {
            RuntimeContainerState? state = null;
            try
            {
                state = await runtime.StateAsync(runtimeId, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // The runtime is still making the container (its state directory is there, its state not yet).
            }

            if (state is { Status: "running", Pid: > 0 })
            {
                return state;
            }

            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken)).ConfigureAwait(false);
        }

        return null;
    }

    private async Task<ContainerState> RecordExitAsync(string id, int exit)
    {
        var now = store.Time.GetUtcNow();
        var state = await containers.UpdateStateAsync(id, s => s with
        {
            Status = ContainerState.Exited,
            ExitCode = exit,
            Pid = 0,
            StartedAt = s.StartedAt ?? now,
            FinishedAt = now,
        }, CancellationToken.None).ConfigureAwait(false);
        return state;
    }

    /// <summary>A container that could not start stays <c>created</c> with the error and docker's exit status.</summary>
    private async Task<ContainerState> RecordFailureAsync(string id, string error, int exit)
    {
        var state = await containers.UpdateStateAsync(id, s => s with { Status = ContainerState.Created, Pid = 0, ExitCode = exit, Error = error }, CancellationToken.None)
            .ConfigureAwait(false);
        Started?.Invoke(state);
        return state;
    }

    private async Task<PastaNetwork?> StartNetworkAsync(ContainerRecord record, Workspace workspace, CancellationToken cancellationToken)
    {
        if (record.NetworkMode != ContainerNetwork.Bridge)
        {
            return null;
        }

        if (Network is not { } tools)
        {
            throw new ContainerException("the default network needs pasta (Debian package passt) and ip (iproute2): install them, or run with --network host or none");
        }

        try
        {
            return await PastaNetwork.StartAsync(tools, store.Layout.NetworkState, workspace.ContainerId, record.Ports, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new ContainerException($"failed to set up the container's network: {ex.Message}", ex);
        }
    }

    /// <summary>/etc/hosts, /etc/hostname and /etc/resolv.conf as docker gives them, written into the bundle.</summary>
    private List<MountSpec> EtcFiles(ContainerRecord record, Workspace workspace, bool privateNetwork)
    {
        var hosts = Path.Join(workspace.Bundle, "hosts");
        File.WriteAllText(hosts, HostEntry.HostsFile(record.Hostname,
            privateNetwork ? [new HostEntry(record.Hostname, System.Net.IPAddress.Parse(PastaNetwork.Address))] : []));
        var hostname = Path.Join(workspace.Bundle, "hostname");
        File.WriteAllText(hostname, record.Hostname + "\n");
        var hostResolv = File.Exists(HostResolvConf) ? File.ReadAllText(HostResolvConf) : "";
        var resolv = Path.Join(workspace.Bundle, "resolv.conf");
        File.WriteAllText(resolv, privateNetwork ? PastaNetwork.ResolvConf(hostResolv) : hostResolv);
        return
        [
            new MountSpec { Destination = "/etc/hosts", Type = "bind", Source = hosts, Options = ["rbind", "rw"] },
            new MountSpec { Destination = "/etc/hostname", Type = "bind", Source = hostname, Options = ["rbind", "rw"] },
            new MountSpec { Destination = "/etc/resolv.conf", Type = "bind", Source = resolv, Options = ["rbind", "rw"] },
        ];
    }

    private static MountSpec Bind(string value) =>
        BindSpec.TryParse(value, out var bind, out var error) ? bind.ToMount() : throw new ContainerException(error);

    /// <summary>runc's error line: <c>time="…" level=error msg="runc run failed: …"</c>.</summary>
    [GeneratedRegex("""^time="[^"]*" level=error msg="(?:runc (?:run|create) failed: )?(.*)"$""")]
    private static partial Regex RuntimeError();
}
