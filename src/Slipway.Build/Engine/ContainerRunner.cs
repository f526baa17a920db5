using Slipway.Runtime;
using Slipway.Runtime.Spec;
using Slipway.Store;
using Slipway.Store.Images;
using Slipway.Store.Snapshots;

namespace Slipway.Build.Engine;

/// <summary>Runs a stored image once, as <c>docker run --rm</c> would: its layers under a throw-away writable
/// snapshot, its entrypoint, command, user, environment and working directory. For checking what a build produced.</summary>
public sealed class ContainerRunner(LocalStore store, ISnapshotter snapshotter, IContainerRuntime runtime)
{
    public async Task<int> RunAsync(StoredImage image, IReadOnlyList<string> command, NetworkMode network, Action<string> onOutput,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(onOutput);
        using var workspace = new Workspace(store.Layout);
        IActiveSnapshot rootfs;
        try
        {
            rootfs = await snapshotter.PrepareAsync(workspace.NewPath("rootfs"), image.Layers, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotException ex)
        {
            throw new BuildException(ex.Message, ex);
        }

        using (rootfs)
        {
            var config = image.Config.Config ?? new Oci.ContainerConfig();
            var args = new List<string>(config.Entrypoint ?? []);
            args.AddRange(command.Count > 0 ? command : config.Cmd ?? []);
            if (args.Count == 0)
            {
                throw new BuildException("no command specified");
            }

            var identity = Users.Resolve(config.User, rootfs.Path);
            var spec = new ContainerSpec
            {
                Id = workspace.ContainerId,
                Rootfs = rootfs.Path,
                BundleDir = workspace.Bundle,
                Process = new StepProcess
                {
                    Args = args,
                    Env = config.Env ?? [StepState.DefaultPath],
                    WorkingDir = string.IsNullOrEmpty(config.WorkingDir) ? "/" : config.WorkingDir,
                    Uid = identity.Uid,
                    Gid = identity.Gid,
                    Network = network,
                    Hostname = "slipway",
                },
            };
            return await runtime.RunAsync(spec, line => onOutput(line.Text), cancellationToken).ConfigureAwait(false);
        }
    }
}
