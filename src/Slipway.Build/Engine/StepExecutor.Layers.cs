using Slipway.Build.Context;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Runtime;
using Slipway.Runtime.Network;
using Slipway.Runtime.Spec;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;
using RuntimeNetwork = Slipway.Runtime.Spec.NetworkMode;

namespace Slipway.Build.Engine;

public sealed partial class StepExecutor
{
    private const int OutputLinesKept = 10;

    private async Task<StepState> RunAsync(StepVertex step, RunInstruction run, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        var state = inputs[0];
        var args = CommandArgs(run.Command, state);
        using var workspace = new Workspace(store.Layout);
        var tail = new Queue<string>();
        int exit;
        using var mounted = await MountStateAsync(state, workspace, cancellationToken).ConfigureAwait(false);
        {
            var rootfs = mounted.Path;
            var identity = Users.Resolve(state.Container.User, rootfs);
            var workingDir = string.IsNullOrEmpty(state.Container.WorkingDir) ? "/" : state.Container.WorkingDir;
            var mounts = await PrepareMountsAsync(run, state, inputs, workspace, workingDir, cancellationToken).ConfigureAwait(false);
            var stubs = MountStubs(rootfs, ["/proc", "/dev", "/sys", "/etc/resolv.conf", "/etc/hosts", .. mounts.Targets]);
            File.WriteAllText(Path.Join(workspace.Bundle, "hosts"), "127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n");
            var networkMode = RunNetwork(run);
            using var network = networkMode == Dockerfile.Instructions.NetworkMode.Default
                ? await StartNetworkAsync(step, workspace.ContainerId, cancellationToken).ConfigureAwait(false)
                : null;
            var resolvConf = "/etc/resolv.conf";
            if (network is not null)
            {
                resolvConf = Path.Join(workspace.Bundle, "resolv.conf");
                File.WriteAllText(resolvConf, PastaNetwork.ResolvConf(File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : ""));
            }

            var spec = new ContainerSpec
            {
                Id = workspace.ContainerId,
                Rootfs = rootfs,
                BundleDir = workspace.Bundle,
                Process = new StepProcess
                {
                    Args = args,
                    Env = [.. state.Env, .. ArgEnv(state), .. mounts.Env],
                    WorkingDir = workingDir,
                    Uid = identity.Uid,
                    Gid = identity.Gid,
                    Network = networkMode switch
                    {
                        Dockerfile.Instructions.NetworkMode.None => RuntimeNetwork.None,
                        Dockerfile.Instructions.NetworkMode.Host => RuntimeNetwork.Host,
                        _ => RuntimeNetwork.Default,
                    },
                    NetworkNamespace = network?.NamespacePath,
                    Insecure = run.Security == SecurityMode.Insecure,
                },
                Mounts =
                [
                    new MountSpec { Destination = "/etc/resolv.conf", Type = "bind", Source = resolvConf, Options = ["rbind", "ro"] },
                    new MountSpec { Destination = "/etc/hosts", Type = "bind", Source = Path.Join(workspace.Bundle, "hosts"), Options = ["rbind", "ro"] },
                    .. mounts.Mounts,
                ],
            };
            exit = await Runtime.RunAsync(spec, output =>
            {
                var line = output.Text;
                progress.OnOutput(step, line);
                tail.Enqueue(line);
                if (tail.Count > OutputLinesKept)
                {
                    tail.Dequeue();
                }
            }, cancellationToken).ConfigureAwait(false);
            RemoveStubs(rootfs, stubs);
        }

        if (exit != 0)
        {
            var command = run.Command.PrependShell ? string.Join(' ', args) : "[" + string.Join(", ", args.Select(a => $"\"{a}\"")) + "]";
            throw new RunFailedException(step.Name, command, exit, [.. tail], run.Span);
        }

        var createdBy = $"RUN {string.Join(' ', args)} # buildkit";
        return await CommitAsync(state, mounted, createdBy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RUN's default network: a namespace of its own that pasta connects outward.</summary>
    private async Task<PastaNetwork> StartNetworkAsync(StepVertex step, string name, CancellationToken cancellationToken)
    {
        if (options.NetworkTools is not { } tools)
        {
            throw new BuildException($"{step.Name}: {NetworkTools.Missing}");
        }

        try
        {
            return await PastaNetwork.StartAsync(tools, store.Layout.NetworkState, name, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new BuildException($"{step.Name}: cannot set up RUN's network: {ex.Message}", ex);
        }
    }

    /// <summary>A RUN's network: its own <c>--network</c>, else the build's.</summary>
    private Dockerfile.Instructions.NetworkMode RunNetwork(RunInstruction run) =>
        run.Network == Dockerfile.Instructions.NetworkMode.Default ? options.Network : run.Network;

    /// <summary>The top-most missing component of each mount target: runc creates these in the rootfs as mount
    /// points, and they are pruned from the upper dir afterwards so that no mount stub reaches the layer.</summary>
    private static List<string> MountStubs(string rootfs, IEnumerable<string> targets)
    {
        var stubs = new List<string>();
        foreach (var target in targets)
        {
            var path = "";
            foreach (var component in RootResolver.Clean(target))
            {
                path = path.Length == 0 ? component : path + "/" + component;
                if (LayerNative.LStat(Path.Join(rootfs, path)) is null)
                {
                    if (!stubs.Contains(path))
                    {
                        stubs.Add(path);
                    }

                    break;
                }
            }
        }

        return stubs;
    }

    /// <summary>Removes what runc made for mount points: empty files and directories holding nothing else. They did
    /// not exist before the step, so removing them leaves no whiteout.</summary>
    private static void RemoveStubs(string rootfs, List<string> stubs)
    {
        foreach (var stub in stubs)
        {
            PruneEmpty(Path.Join(rootfs, stub));
        }
    }

    private static bool PruneEmpty(string path)
    {
        switch (LayerNative.LStat(path))
        {
            case { IsDirectory: true }:
                var empty = true;
                foreach (var child in Directory.EnumerateFileSystemEntries(path).ToList())
                {
                    empty &= PruneEmpty(child);
                }

                if (empty)
                {
                    Directory.Delete(path);
                }

                return empty;
            case { IsRegular: true, Size: 0 }:
                File.Delete(path);
                return true;
            case null:
                return true;
            default:
                return false;
        }
    }

    /// <summary>The stage's layers with a writable tree on top, in the step's workspace.</summary>
    private async Task<IActiveSnapshot> MountStateAsync(StepState state, Workspace workspace, CancellationToken cancellationToken) =>
        await Snapshotter.PrepareAsync(workspace.NewPath("rootfs"), state.Layers, cancellationToken).ConfigureAwait(false);

    /// <summary>Turns a step's changes into a layer (leased by the build before it becomes visible).</summary>
    private async Task<StepState> CommitAsync(StepState state, IActiveSnapshot snapshot, string createdBy, CancellationToken cancellationToken)
    {
        var layer = await snapshot.CommitAsync(new LayerCommitOptions
        {
            Compression = options.Compression,
            SourceDateEpoch = options.SourceDateEpoch,
            Lease = BuildLease,
        }, cancellationToken).ConfigureAwait(false);
        return state.WithLayer(layer, createdBy, _created);
    }

    private async Task<StepState> WorkdirAsync(WorkdirInstruction workdir, StepState state, CancellationToken cancellationToken)
    {
        var path = Expand(workdir.Path, state);
        if (!path.StartsWith('/'))
        {
            path = (string.IsNullOrEmpty(state.Container.WorkingDir) ? "/" : state.Container.WorkingDir).TrimEnd('/') + "/" + path;
        }

        path = GoPath.Clean(path);
        var next = state with { Config = state.Config with { Config = state.Container with { WorkingDir = path } } };
        using var workspace = new Workspace(store.Layout);
        using var mounted = await MountStateAsync(state, workspace, cancellationToken).ConfigureAwait(false);
        {
            var resolver = new RootResolver(mounted.Path);
            var components = RootResolver.Clean(path);
            if (components.Count > 0)
            {
                resolver.EnsureParent(components);
                var target = resolver.Resolve(components, followFinal: true);
                if (LayerNative.LStat(target) is null)
                {
                    Directory.CreateDirectory(target);
                    var owner = Users.Resolve(state.Container.User, mounted.Path);
                    LayerNative.LChown(target, (int)owner.Uid, (int)owner.Gid);
                }
            }
        }

        if (!mounted.HasChanges())
        {
            return next.WithContainer(c => c, $"WORKDIR {path}", _created);
        }

        return await CommitAsync(next, mounted, $"WORKDIR {path}", cancellationToken).ConfigureAwait(false);
    }
}
