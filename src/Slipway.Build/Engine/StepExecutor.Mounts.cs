using System.Security.Cryptography;
using System.Text;
using Slipway.Build.Context;
using Slipway.Dockerfile.Instructions;
using Slipway.Oci;
using Slipway.Runtime.Spec;
using Slipway.Store;
using Slipway.Store.Layers;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

public sealed partial class StepExecutor
{
    /// <summary>What a RUN's <c>--mount</c>s add to its container: mounts, environment (secret <c>env=</c>), and the
    /// targets that did not exist in the rootfs (removed from the layer afterwards, so no mount stub remains).</summary>
    private sealed record PreparedMounts(List<MountSpec> Mounts, List<string> Env, List<string> Targets);

    private async Task<PreparedMounts> PrepareMountsAsync(RunInstruction run, StepState state, IReadOnlyList<StepState> inputs,
        Workspace workspace, string workingDir, CancellationToken cancellationToken)
    {
        var result = new PreparedMounts([], [], []);
        // The planner adds one input per mount from a stage, after the previous step, in mount order.
        var stageInput = 1;
        foreach (var mount in run.Mounts)
        {
            var target = mount.Target is null ? null : Absolute(Expand(mount.Target, state), workingDir);
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
                    var cacheDir = CacheDir(mount, target ?? Require(target, mount));
                    await SeedFromImportAsync(CacheId(mount, target!), cacheDir, cancellationToken).ConfigureAwait(false);
                    if (mount.From is not null && IsEmpty(cacheDir))
                    {
                        // from=/source= seed a new cache with a stage's or image's directory.
                        StepState? seed = graph.Find(mount.From) is not null ? inputs[stageInput++] : null;
                        await SeedCacheAsync(mount, seed, state, workspace, cacheDir, cancellationToken).ConfigureAwait(false);
                    }
                    else if (mount.From is not null && graph.Find(mount.From) is not null)
                    {
                        stageInput++;
                    }

                    if (mount.Sharing == MountSharing.Locked)
                    {
                        // One RUN at a time, across processes, holds a locked cache; others wait (for up to an hour).
                        workspace.Locks.Add(await Slipway.Store.StoreLock.AcquireAsync(cacheDir + ".lock", TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false));
                    }
                    else if (mount.Sharing == MountSharing.Private)
                    {
                        // BuildKit's private: the cache is this RUN's alone while it runs; when another RUN (of any
                        // build) holds it, this one gets a new, empty instance of its own, dropped with the step.
                        if (Slipway.Store.StoreLock.TryAcquire(cacheDir + ".lock", out var held))
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
                    var from = mount.From;
                    StepState? stage = null;
                    if (from is not null && graph.Find(from) is not null)
                    {
                        stage = inputs[stageInput++];
                    }

                    var source = await BindSourceAsync(mount, from, stage, state, workspace, cancellationToken).ConfigureAwait(false);
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
        GoPath.Clean(path.StartsWith('/') ? path : workingDir.TrimEnd('/') + "/" + path);

    /// <summary>Cache mounts live outside any layer, one directory per id (hashed, so an id can never name a path).</summary>
    private string CacheDir(RunMount mount, string target)
    {
        var id = CacheId(mount, target);
        var name = CacheMountName(id);
        var dir = CacheMountPath(name);
        _cacheMounts.TryAdd(id, dir);
        // The directory's name is a sha256, so the lease can hold it like a digest: prune leaves it alone while
        // this build runs.
        BuildLease?.Add(name);
        if (!Directory.Exists(dir))
        {
            var created = Directory.CreateDirectory(dir).FullName;
            File.SetUnixFileMode(created, (UnixFileMode)(mount.Mode ?? 0x1ED));
            LayerNative.LChown(created, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        }
        else
        {
            // Its mtime is its last use, for prune --keep-storage and until=.
            Directory.SetLastWriteTimeUtc(dir, store.Time.GetUtcNow().UtcDateTime);
        }

        return dir;
    }

    /// <summary>A new, empty instance of a private cache that another RUN holds: in the step's workspace, with the
    /// mount's mode and owner.</summary>
    private static string PrivateInstance(RunMount mount, Workspace workspace, int index)
    {
        var dir = Directory.CreateDirectory(Path.Join(workspace.Dir, "private-cache-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)(mount.Mode ?? 0x1ED));
        LayerNative.LChown(dir, (int)(mount.Uid ?? 0), (int)(mount.Gid ?? 0));
        return dir;
    }

    /// <summary>The cache mount directories of this build, by id (what <c>--cache-to</c> carries): those its RUN
    /// steps mounted, and those its RUN steps name literally (an id, or an absolute target without variables) even
    /// when every step came from the cache this time.</summary>
    public IReadOnlyDictionary<string, string> CacheMounts()
    {
        var result = new Dictionary<string, string>(_cacheMounts, StringComparer.Ordinal);
        foreach (var mount in graph.Required.SelectMany(s => s.Instructions).OfType<RunInstruction>().SelectMany(r => r.Mounts)
            .Where(m => m.Type == MountType.Cache))
        {
            var id = !string.IsNullOrEmpty(mount.Id) ? mount.Id : mount.Target is { } t && t.StartsWith('/') ? GoPath.Clean(t) : null;
            if (id is not null && !id.Contains('$', StringComparison.Ordinal) && CacheMountPath(CacheMountName(id)) is var dir && Directory.Exists(dir))
            {
                result.TryAdd(id, dir);
            }
        }

        return result;
    }

    private static Digest CacheMountName(string id) => Digest.Compute(Encoding.UTF8.GetBytes(id));

    private string CacheMountPath(Digest name) => store.Layout.CacheMount(name);

    private static string CacheId(RunMount mount, string target) => string.IsNullOrEmpty(mount.Id) ? target : mount.Id;

    /// <summary>Seeds an empty cache directory, once per build, with the contents an imported cache carries for
    /// its id, before the first RUN that mounts it.</summary>
    private async Task SeedFromImportAsync(string id, string cacheDir, CancellationToken cancellationToken)
    {
        if (_imports is null || !_imports.HasMount(id))
        {
            return;
        }

        await _seeding.GetOrAdd(id, _ => new Lazy<Task>(async () =>
        {
            if (IsEmpty(cacheDir))
            {
                await _imports.SeedMountAsync(id, cacheDir, cancellationToken).ConfigureAwait(false);
            }
        })).Value.ConfigureAwait(false);
    }

    private static bool IsEmpty(string dir) => !Directory.EnumerateFileSystemEntries(dir).Any();

    private async Task SeedCacheAsync(RunMount mount, StepState? stage, StepState state, Workspace workspace, string cacheDir,
        CancellationToken cancellationToken)
    {
        var layers = stage?.Layers ?? await ImageLayersAsync(mount.From!, cancellationToken).ConfigureAwait(false);
        using var view = await Snapshotter.ViewAsync(workspace.NewPath("cache-seed"), layers, cancellationToken).ConfigureAwait(false);
        var source = new CopySource(view.Path, null);
        var rel = string.Join('/', RootResolver.Clean(Expand(mount.Source ?? "/", state)));
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

        if (!options.Secrets.TryGetValue(id, out var value))
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
        if (!options.SshSockets.TryGetValue(id, out var socket))
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
    private async Task<string> BindSourceAsync(RunMount mount, string? from, StepState? stage, StepState state, Workspace workspace,
        CancellationToken cancellationToken)
    {
        var sourcePath = Expand(mount.Source ?? "/", state);
        string root;
        if (from is null)
        {
            // The context as the build sees it: .dockerignore'd files are not there.
            root = Directory.CreateDirectory(workspace.NewPath("bind-context")).FullName;
            var context = ContextSource();
            var matches = context.Expand(sourcePath);
            if (matches.Count != 1)
            {
                throw new BuildException($"mount source \"{mount.Source}\" must name one path, not {matches.Count}");
            }

            new FileCopier(root, 0, 0, null).Copy(context, matches[0], "/", destinationIsDir: true);
            sourcePath = Directory.Exists(context.HostPath(matches[0], followFinal: true)) ? "/" : "/" + Path.GetFileName(matches[0]);
        }
        else
        {
            var layers = stage?.Layers
                ?? await ImageLayersAsync(from, cancellationToken).ConfigureAwait(false);
            var directory = workspace.NewPath("bind");
            ISnapshotView snapshot = mount.ReadOnly
                ? await Snapshotter.ViewAsync(directory, layers, cancellationToken).ConfigureAwait(false)
                : await Snapshotter.PrepareAsync(directory, layers, cancellationToken).ConfigureAwait(false);
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

    private async Task<IReadOnlyList<LayerRef>> ImageLayersAsync(string name, CancellationToken cancellationToken)
    {
        var image = await resolveImage(ParseImage(name), cancellationToken).ConfigureAwait(false);
        return [.. image.Manifest.Layers.Select((l, i) => new LayerRef(l, image.Config.RootFs.DiffIds[i]))];
    }
}
