using System.Security.Cryptography;
using System.Text;
using Slipway.Build.Engine;
using Slipway.Dockerfile.Instructions;
using Slipway.Runtime.Spec;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Ops;

/// <summary>What a RUN's <c>--mount</c>s add to its container: mounts, environment (secret <c>env=</c>), and the
/// targets that did not exist in the rootfs (removed from the layer afterwards, so no mount stub remains).</summary>
public sealed record PreparedMounts(List<MountSpec> Mounts, List<string> Env, List<string> Targets);

/// <summary>Prepares a RUN's <c>--mount</c>s in its workspace: tmpfs, cache directories, secrets on a tmpfs of the
/// step's own, forwarded ssh agents, and binds of the context, a stage or an image.</summary>
public sealed class RunMounts(StepServices services, ISnapshotter snapshotter, CacheMountDirs caches, ContextFiles context)
{
    /// <summary>The mounts, environment and mount targets <paramref name="run"/> adds to its container, made in
    /// <paramref name="workspace"/>; relative targets are under <paramref name="workingDir"/>.</summary>
    /// <param name="run">The RUN instruction.</param>
    /// <param name="stage">The stage the RUN is in: an image it mounts is resolved for the platform it runs on.</param>
    /// <param name="inputs">The step's inputs: its stage's state, then one per mount from a stage, in mount order.</param>
    /// <param name="workspace">The step's workspace: it holds what the mounts need until the step ends.</param>
    /// <param name="workingDir">The stage's working directory.</param>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    public async Task<PreparedMounts> PrepareAsync(RunInstruction run, Stage stage, IReadOnlyList<StepState> inputs, Workspace workspace, string workingDir,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(workspace);
        var expand = services.Expand(inputs[0]);
        var result = new PreparedMounts([], [], []);
        var stageInput = 1;
        foreach (var mount in run.Mounts)
        {
            var target = mount.Target is null ? null : Absolute(expand.Word(mount.Target), workingDir);
            switch (mount.Type)
            {
                case MountType.Tmpfs:
                    result.Mounts.Add(new MountSpec
                    {
                        Destination = Require(target, mount), Type = "tmpfs", Source = "tmpfs",
                        Options = ["nosuid", "nodev", .. mount.SizeLimit is { } size ? (string[])[$"size={size}"] : []],
                    });
                    result.Targets.Add(target!);
                    break;
                case MountType.Cache:
                    var cacheDir = caches.Open(mount, target ?? Require(target, mount));
                    await caches.SeedFromImportAsync(CacheMountDirs.Id(mount, target!), cacheDir, cancellationToken).ConfigureAwait(false);
                    if (mount.From is not null && CacheMountDirs.IsEmpty(cacheDir))
                    {
                        // from=/source= seed a new cache with a stage's or image's directory.
                        StepState? seed = services.IsStage(mount.From) ? inputs[stageInput++] : null;
                        await SeedCacheAsync(mount, seed, stage, expand, workspace, cacheDir, cancellationToken).ConfigureAwait(false);
                    }
                    else if (mount.From is not null && services.IsStage(mount.From))
                    {
                        stageInput++;
                    }

                    if (mount.Sharing == MountSharing.Locked)
                    {
                        // One RUN at a time, across processes, holds a locked cache; others wait (for up to an hour).
                        workspace.Locks.Add(await StoreLock.AcquireAsync(cacheDir + ".lock", TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false));
                    }
                    else if (mount.Sharing == MountSharing.Private)
                    {
                        // BuildKit's private: the cache is this RUN's alone while it runs; when another RUN (of any
                        // build) holds it, this one gets a new, empty instance of its own, dropped with the step.
                        if (StoreLock.TryAcquire(cacheDir + ".lock", out var held))
                        {
                            workspace.Locks.Add(held);
                        }
                        else
                        {
                            cacheDir = PrivateInstance(mount, workspace, result.Mounts.Count);
                        }
                    }

                    result.Mounts.Add(new MountSpec { Destination = target!, Type = "bind", Source = cacheDir, Options = ["rbind", mount.ReadOnly ? "ro" : "rw"] });
                    result.Targets.Add(target!);
                    break;
                case MountType.Secret:
                    AddSecret(mount, target, workspace, result);
                    break;
                case MountType.Ssh:
                    AddSsh(mount, target, result);
                    break;
                case MountType.Bind:
                    StepState? fromStage = mount.From is { } from && services.IsStage(from) ? inputs[stageInput++] : null;
                    var source = await BindSourceAsync(mount, fromStage, stage, expand, workspace, cancellationToken).ConfigureAwait(false);
                    result.Mounts.Add(new MountSpec { Destination = Require(target, mount), Type = "bind", Source = source, Options = ["rbind", mount.ReadOnly ? "ro" : "rw"] });
                    result.Targets.Add(target!);
                    break;
                default:
                    throw new BuildException($"{run.Span.File}:{run.Span.StartLine}: RUN --mount=type={mount.Type.ToString().ToLowerInvariant()} is not supported yet");
            }
        }

        return result;
    }

    private static string Require(string? target, RunMount mount) =>
        target ?? throw new BuildException($"mount type={mount.Type.ToString().ToLowerInvariant()} needs a target");

    private static string Absolute(string path, string workingDir) =>
        Context.GoPath.Clean(path.StartsWith('/') ? path : workingDir.TrimEnd('/') + "/" + path);

    /// <summary>A new, empty instance of a private cache that another RUN holds: in the step's workspace, with the
    /// mount's mode and owner.</summary>
    private static string PrivateInstance(RunMount mount, Workspace workspace, int index)
    {
        var dir = Directory.CreateDirectory(Path.Join(workspace.Dir, "private-cache-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)(mount.Mode ?? 0x1ED));
        LayerNative.LChown(dir, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        return dir;
    }

    private async Task SeedCacheAsync(RunMount mount, StepState? from, Stage reader, Expansion expand, Workspace workspace, string cacheDir,
        CancellationToken cancellationToken)
    {
        var layers = from?.Layers ?? await services.Images.LayersAsync(mount.From!, reader, cancellationToken).ConfigureAwait(false);
        using var view = await snapshotter.ViewAsync(workspace.NewPath("cache-seed"), layers, cancellationToken).ConfigureAwait(false);
        var source = new CopySource(view.Path, null);
        var rel = string.Join('/', RootResolver.Clean(expand.Word(mount.Source ?? "/")));
        if (LayerNative.LStat(source.HostPath(rel, followFinal: true)) is { IsDirectory: true })
        {
            new FileCopier(cacheDir, mount.Uid ?? 0, mount.Gid ?? 0, null).Copy(source, rel, "/", destinationIsDir: true);
        }
    }

    /// <summary>A secret goes into a tmpfs made for this step alone and is bind-mounted read-only, or set as an
    /// environment variable with <c>env=</c>. A missing required secret fails the step; its value is never
    /// printed.</summary>
    private void AddSecret(RunMount mount, string? target, Workspace workspace, PreparedMounts result)
    {
        var id = !string.IsNullOrEmpty(mount.Id) ? mount.Id : target is null ? null : Path.GetFileName(target);
        if (id is null)
        {
            throw new BuildException("secret mount needs an id or a target");
        }

        if (!services.Options.Secrets.TryGetValue(id, out var value))
        {
            if (mount.Required)
            {
                throw new BuildException($"secret {id} not found: pass it with --secret id={id},src=FILE or --secret id={id},env=VAR");
            }

            return;
        }

        if (mount.Env is { } envName)
        {
            result.Env.Add(envName + "=" + Encoding.UTF8.GetString(value));
            if (mount.Target is null)
            {
                return;
            }
        }

        var secrets = Path.Join(workspace.Dir, "secrets");
        if (!workspace.ExtraMounts.Contains(secrets))
        {
            Directory.CreateDirectory(secrets);
            OverlayMount.MountTmpfs(secrets, 16L << 20);
            workspace.ExtraMounts.Add(secrets);
        }

        var file = Path.Join(secrets, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id))));
        File.WriteAllBytes(file, value);
        File.SetUnixFileMode(file, (UnixFileMode)(mount.Mode ?? 0x100));
        LayerNative.LChown(file, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        var destination = target ?? "/run/secrets/" + id;
        result.Mounts.Add(new MountSpec { Destination = destination, Type = "bind", Source = file, Options = ["rbind", "ro"] });
        result.Targets.Add(destination);
    }

    /// <summary>Forwards an ssh agent socket given with <c>--ssh</c>: bound at the target (BuildKit's default path)
    /// with SSH_AUTH_SOCK pointing at it.</summary>
    private void AddSsh(RunMount mount, string? target, PreparedMounts result)
    {
        var id = string.IsNullOrEmpty(mount.Id) ? "default" : mount.Id;
        if (!services.Options.SshSockets.TryGetValue(id, out var socket))
        {
            if (mount.Required)
            {
                throw new BuildException($"no SSH key \"{id}\" forwarded from the client: pass --ssh {id}[=SOCKET]");
            }

            return;
        }

        var destination = target ?? "/run/buildkit/ssh_agent.0";
        result.Mounts.Add(new MountSpec { Destination = destination, Type = "bind", Source = socket, Options = ["rbind"] });
        result.Env.Add("SSH_AUTH_SOCK=" + destination);
        result.Targets.Add(destination);
    }

    /// <summary>The host directory a bind mount shows: a path inside the context (only what .dockerignore lets
    /// through, copied into the workspace), a stage or an image, resolved inside that root. A writable bind's writes
    /// are discarded with the step, as BuildKit discards them: the context copy is the step's own, and a stage or an
    /// image is prepared as a snapshot of its own that is never committed.</summary>
    private async Task<string> BindSourceAsync(RunMount mount, StepState? stage, Stage reader, Expansion expand, Workspace workspace,
        CancellationToken cancellationToken)
    {
        var sourcePath = expand.Word(mount.Source ?? "/");
        string root;
        if (mount.From is null)
        {
            // The context as the build sees it: .dockerignore'd files are not there.
            root = Directory.CreateDirectory(workspace.NewPath("bind-context")).FullName;
            var source = context.Source();
            var matches = source.Expand(sourcePath);
            if (matches.Count != 1)
            {
                throw new BuildException($"mount source \"{mount.Source}\" must name one path, not {matches.Count}");
            }

            new FileCopier(root, 0, 0, null).Copy(source, matches[0], "/", destinationIsDir: true);
            sourcePath = Directory.Exists(source.HostPath(matches[0], followFinal: true)) ? "/" : "/" + Path.GetFileName(matches[0]);
        }
        else
        {
            var from = stage?.Layers ?? await services.Images.LayersAsync(mount.From, reader, cancellationToken).ConfigureAwait(false);
            var directory = workspace.NewPath("bind");
            ISnapshotView snapshot = mount.ReadOnly
                ? await snapshotter.ViewAsync(directory, from, cancellationToken).ConfigureAwait(false)
                : await snapshotter.PrepareAsync(directory, from, cancellationToken).ConfigureAwait(false);
            workspace.Snapshots.Add(snapshot);
            root = snapshot.Path;
        }

        var resolved = new RootResolver(root).Resolve(RootResolver.Clean(sourcePath), followFinal: true);
        if (LayerNative.LStat(resolved) is null)
        {
            throw new BuildException($"mount source \"{mount.Source}\" not found");
        }

        return resolved;
    }
}
